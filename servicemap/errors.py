"""The exceptions servicemap raises on purpose. Each message is one plain sentence for a person."""


class ServiceMapError(Exception):
    """Base of every error servicemap reports to the user."""


class ValidationError(ServiceMapError):
    """A change or record breaks a rule of the data model; the message names item and field."""


class FileFormatError(ServiceMapError):
    """A file cannot be read as a servicemap map (or exchange file); nothing was changed."""


class SaveError(ServiceMapError):
    """A map could not be saved; the file on disk is as it was before."""


class ClipboardError(ServiceMapError):
    """What is on the clipboard cannot be pasted as servicemap items; nothing was changed."""
