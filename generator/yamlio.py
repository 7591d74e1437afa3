"""Read YAML keeping the line of every key and item; every scalar stays text until a schema types it.

Leaving scalars as text avoids YAML 1.1 surprises (`063` read as octal, `non` as a boolean,
`4.1` as a float); `generator.validate` converts each field to the type its schema asks for.
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml

try:
    _BaseLoader: type = yaml.CBaseLoader  # libyaml parser, much faster on big tables
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.BaseLoader


class YMap(dict):
    """A mapping that remembers its own line and the line of each key."""

    __slots__ = ("line", "key_lines")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list):
    """A sequence that remembers its own line and the line of each item."""

    __slots__ = ("line", "item_lines")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


@dataclass(frozen=True)
class YamlIssue:
    """A problem found while reading, before any schema: a syntax error or a repeated key."""

    line: int
    message: str


class YamlSyntaxError(Exception):
    def __init__(self, issue: YamlIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def _line(node: yaml.Node, offset: int) -> int:
    return node.start_mark.line + 1 + offset


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Build YMap/YList/str, recording lines shifted by `offset` and collecting `issues`."""

    offset = 0
    issues: list[YamlIssue]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> YMap:
        offset = self.offset
        out = YMap(_line(node, offset))
        for key_node, value_node in node.value:
            key_line = _line(key_node, offset)
            if not isinstance(key_node, yaml.ScalarNode):
                self.issues.append(YamlIssue(key_line, "une clé doit être un simple mot : corrigez cette ligne."))
                continue
            key = key_node.value
            if key == "<<":
                self.issues.append(YamlIssue(key_line, "la fusion « << » n'est pas prise en charge : recopiez les clés."))
                continue
            if key in out:
                self.issues.append(YamlIssue(
                    key_line,
                    f"la clé « {key} » apparaît deux fois (déjà ligne {out.key_lines[key]}) : gardez-en une seule.",
                ))
                continue
            out[key] = self.construct_object(value_node, deep=True)
            out.key_lines[key] = key_line
        return out

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> YList:
        out = YList(_line(node, self.offset))
        for child in node.value:
            out.append(self.construct_object(child, deep=True))
            out.item_lines.append(_line(child, self.offset))
        return out

    def construct_scalar(self, node: yaml.Node) -> str:
        return node.value if isinstance(node, yaml.ScalarNode) else ""


# libyaml speaks English; the usual cases get a French wording, the rest is quoted as is.
_FRENCH = {
    "mapping values are not allowed in this context": "deux-points inattendu",
    "mapping values are not allowed here": "deux-points inattendu",
    "did not find expected key": "clé attendue, vérifiez l'alignement",
    "did not find expected '-' indicator": "tiret « - » attendu, vérifiez l'alignement de la liste",
    "could not find expected ':'": "deux-points « : » manquant",
    "found character that cannot start any token": "caractère interdit en début de valeur (tabulation, « @ » ou « ` » ?)",
    "found unexpected end of stream": "fin de fichier inattendue (guillemet non refermé ?)",
    "did not find expected ',' or ']'": "« , » ou « ] » attendu",
    "did not find expected ',' or '}'": "« , » ou « } » attendu",
    "found undefined alias": "alias « * » inconnu",
    "found a tab character that violates indentation": "tabulation dans l'indentation, utilisez des espaces",
    "found a tab character where an indentation space is expected": "tabulation dans l'indentation, utilisez des espaces",
}


def _syntax_issue(exc: yaml.YAMLError, offset: int) -> YamlIssue:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 + offset if mark is not None else 1 + offset
    problem = getattr(exc, "problem", None) or str(exc)
    detail = _FRENCH.get(problem, problem)
    return YamlIssue(
        line,
        f"erreur de syntaxe YAML : {detail} ; vérifiez l'indentation, les deux-points "
        "et les guillemets de cette ligne et de la précédente.",
    )


def load_yaml(text: str, line_offset: int = 0) -> tuple[object, list[YamlIssue]]:
    """Parse one YAML document; raise YamlSyntaxError with the real file line on bad syntax."""
    loader = _Loader(text)
    loader.offset = line_offset
    loader.issues = issues = []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(_syntax_issue(exc, line_offset)) from None
    finally:
        loader.dispose()
    return data, issues
