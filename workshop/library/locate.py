"""Line numbers for keys in a TOML source, which `tomllib` does not give.

`Locator(source).line(("nb", "activities", 1, "options"))` is the line of `options =` in the
second `[[nb.activities]]`; a path that is not written in the file falls back to its nearest
enclosing key or header, and then to line 1. Array elements have lines too:
`("nb", "questions", 2)` is the line where the third question starts. The scanner assumes
the source is valid TOML (`tomllib` has read it); on anything it cannot follow it stops and
keeps what it has found, so a lookup always answers.
"""

from __future__ import annotations

import contextlib
import re
import tomllib

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_VALUE_END = ",]}\n#"
_AT_LINE = re.compile(r"at line (\d+), column (\d+)")


class _Stop(Exception):
    """The scanner met something it does not follow."""


class Locator:
    """An index from key paths to 1-based line numbers, built once per source."""

    def __init__(self, source: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        self.line_count = source.count("\n") + 1
        scanner = _Scanner(source, self._lines)
        with contextlib.suppress(_Stop, IndexError):
            scanner.document()

    def line(self, path: KeyPath) -> int:
        """The line of `path`, else of its nearest enclosing key or header, else 1."""
        for end in range(len(path), 0, -1):
            found = self._lines.get(path[:end])
            if found is not None:
                return found
        return 1


def line_of(source: str, path: KeyPath) -> int:
    """The 1-based line of the key `path` in `source` (see `Locator`)."""
    return Locator(source).line(path)


def syntax_error_position(error: tomllib.TOMLDecodeError, source: str) -> tuple[int, int]:
    """(line, column) of a TOML syntax error, from its message: "(at line N, column M)"."""
    line = getattr(error, "lineno", None)
    column = getattr(error, "colno", None)
    if isinstance(line, int) and isinstance(column, int):
        return line, column
    found = _AT_LINE.search(str(error))
    if found:
        return int(found.group(1)), int(found.group(2))
    return source.count("\n") + 1, 1  # "at end of document"


def syntax_error_reason(error: tomllib.TOMLDecodeError) -> str:
    """The error's message without its position."""
    reason = getattr(error, "msg", None)
    if isinstance(reason, str):
        return reason
    return re.sub(r"\s*\((?:at line \d+, column \d+|at end of document)\)\s*$", "", str(error))


class _Scanner:
    """A small TOML reader that records where each key, header and array element starts."""

    def __init__(self, text: str, lines: dict[KeyPath, int]) -> None:
        self.text = text
        self.pos = 0
        self.lineno = 1
        self.lines = lines
        self.arrays: dict[KeyPath, int] = {}  # array-of-tables path -> index of its last table

    # -- characters ---------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def advance(self, count: int = 1) -> None:
        chunk = self.text[self.pos : self.pos + count]
        self.lineno += chunk.count("\n")
        self.pos += count

    def skip_blank(self, newlines: bool) -> None:
        """Skip spaces, tabs and comments, and line breaks too when `newlines`."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.advance()
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise _Stop
        self.advance()

    def record(self, path: KeyPath, line: int) -> None:
        self.lines.setdefault(path, line)

    # -- structure ----------------------------------------------------------------------------

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            if self.peek() == "[":
                table = self.header()
            else:
                self.key_value(table)
            self.skip_blank(newlines=False)
            if self.pos < len(self.text):
                self.expect("\n")

    def header(self) -> KeyPath:
        line = self.lineno
        is_array = self.peek(1) == "["
        self.advance(2 if is_array else 1)
        self.skip_blank(newlines=False)
        keys = self.key()
        self.expect("]")
        if is_array:
            self.expect("]")
        parent = self.resolve(keys[:-1], line)
        path = (*parent, keys[-1])
        if is_array:
            self.record(path, line)
            index = self.arrays.get(path, -1) + 1
            self.arrays[path] = index
            path = (*path, index)
        self.record(path, line)
        return path

    def resolve(self, keys: list[str], line: int) -> KeyPath:
        """A dotted header name as a path: `nb.activities` inside the latest `[[nb]]` if any."""
        path: KeyPath = ()
        for part in keys:
            path = (*path, part)
            self.record(path, line)
            if path in self.arrays:
                path = (*path, self.arrays[path])
        return path

    def key(self) -> list[str]:
        parts = []
        while True:
            self.skip_blank(newlines=False)
            char = self.peek()
            if char == '"':
                parts.append(self.basic_string())
            elif char == "'":
                parts.append(self.literal_string())
            else:
                bare = _BARE_KEY.match(self.text, self.pos)
                if not bare:
                    raise _Stop
                parts.append(bare.group())
                self.advance(len(bare.group()))
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return parts
            self.advance()

    def key_value(self, table: KeyPath) -> None:
        line = self.lineno
        keys = self.key()
        path = table
        for part in keys:
            path = (*path, part)
            self.record(path, line)
        self.expect("=")
        self.skip_blank(newlines=False)
        self.value(path)

    # -- values -------------------------------------------------------------------------------

    def value(self, path: KeyPath) -> None:
        char = self.peek()
        if self.text.startswith('"""', self.pos):
            self.multiline('"""')
        elif self.text.startswith("'''", self.pos):
            self.multiline("'''")
        elif char == '"':
            self.basic_string()
        elif char == "'":
            self.literal_string()
        elif char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        else:
            start = self.pos
            while self.pos < len(self.text) and self.text[self.pos] not in _VALUE_END:
                self.pos += 1
            if self.pos == start:
                raise _Stop

    def basic_string(self) -> str:
        self.advance()
        start = self.pos
        while True:
            char = self.peek()
            if char in ("", "\n"):
                raise _Stop
            if char == "\\":
                self.advance(2)
            elif char == '"':
                text = self.text[start : self.pos]
                self.advance()
                return text
            else:
                self.advance()

    def literal_string(self) -> str:
        self.advance()
        end = self.text.find("'", self.pos)
        if end < 0:
            raise _Stop
        text = self.text[self.pos : end]
        self.advance(end + 1 - self.pos)
        return text

    def multiline(self, quotes: str) -> None:
        self.advance(3)
        while True:
            char = self.peek()
            if char == "":
                raise _Stop
            if char == "\\" and quotes == '"""':
                self.advance(2)
            elif self.text.startswith(quotes, self.pos):
                self.advance(3)
                while self.peek() == quotes[0]:  # up to two quotes may close the content
                    self.advance()
                return
            else:
                self.advance()

    def array(self, path: KeyPath) -> None:
        self.advance()
        index = 0
        while True:
            self.skip_blank(newlines=True)
            if self.peek() == "]":
                self.advance()
                return
            self.record((*path, index), self.lineno)
            self.value((*path, index))
            index += 1
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.advance()
            elif self.peek() != "]":
                raise _Stop

    def inline_table(self, path: KeyPath) -> None:
        self.advance()
        while True:
            self.skip_blank(newlines=True)
            if self.peek() == "}":
                self.advance()
                return
            line = self.lineno
            keys = self.key()
            inner = path
            for part in keys:
                inner = (*inner, part)
                self.record(inner, line)
            self.expect("=")
            self.skip_blank(newlines=False)
            self.value(inner)
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.advance()
            elif self.peek() != "}":
                raise _Stop
