"""The refusal of an uploaded file as a whole, and the numbers its messages show."""


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is for the curator."""


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}".replace(".", ",") + " МБ"
