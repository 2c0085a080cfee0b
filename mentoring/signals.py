"""What the core announces for the apps built on it to act upon, so that the core imports none of them."""

from django.dispatch import Signal

# Sent by consent_revoke inside its transaction, with `consent` (now revoked) and `by`. Each receiver stops
# its own processing of the person's data and returns what the person left (a list, may be empty), which
# the page reports; a receiver that raises rolls the revocation back.
consent_revoked = Signal()

# Sent before an entry of a base goes to the archive, with `entry`. Each receiver returns why the entry must
# stay (a message for the user) or None.
entry_archiving = Signal()

# Sent by person_depersonalise inside its transaction, with `person` (its names already replaced). Each
# receiver blanks the free text its app keeps about the person, keeps the rows and the figures, and returns
# the Russian names of the categories of data it cleared (a list, may be empty) for the act of destruction.
person_depersonalising = Signal()

# Sent when a subject's request is answered, with `person`. Each receiver returns its sections of what the
# school holds about the person: a list of (title, rows), each row a dict of Russian labels to plain values.
person_data_gathering = Signal()
