"""Path converters of the API's lookups."""


class CodeConverter:
    """A code in a URL (`CAFIA-03`): any text but a slash or a NUL character, which
    PostgreSQL refuses in text — such an address is a 404, never a database error."""

    regex = r"[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
