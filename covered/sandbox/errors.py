"""The one exception type the sandbox raises for bad input (dataset, faults file, bind address)."""


class SandboxError(Exception):
    """A problem the user can fix; its message is one line, ready to print."""
