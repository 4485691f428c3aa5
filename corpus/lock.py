"""The home's writer lock now lives with the other home concerns in
`dateline.corpus.home`; these names stay importable from here."""

from dateline.corpus.home import LOCK_NAME, HomeBusy, WriterLock  # noqa: F401
