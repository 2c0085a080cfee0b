"""What the core announces for the apps built on it to act upon, so that the core imports none of them."""

from django.dispatch import Signal

# Sent by consent_revoke inside its transaction, with `consent` (now revoked) and `by`. Each receiver stops
# its own processing of the person's data and returns what the person left (a list, may be empty), which
# the page reports; a receiver that raises rolls the revocation back.
consent_revoked = Signal()

# Sent before an entry of a base goes to the archive, with `entry`. Each receiver returns why the entry must
# stay (a message for the user) or None.
entry_archiving = Signal()
