"""The condition language of ``when:`` fields, parsed by hand and never evaluated by Python.

Grammar (lowest precedence first)::

    expr    := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := atom (("==" | "!=" | "<" | "<=" | ">" | ">=") atom)?
    atom    := NUMBER | "true" | "false" | NAME | "visited" "(" STRING ")" | "(" expr ")"
            |  "-" NUMBER

Names are declared variables (flags are booleans, counters are integers); ``visited("id")``
is how many times a scene has been entered. Anything else -- attribute access, calls,
indexing, undeclared names, ``__import__('os')`` -- is a :class:`ConditionError` with the
column where it went wrong. A parsed condition compiles to a closure over two mappings::

    >>> c = compile_condition('rounds > 2 and not visited("pro_city")',
    ...                       variables={"rounds": "counter"}, scenes={"pro_city"})
    >>> c.test({"rounds": 3}, {})
    True
    >>> c.names, c.scenes
    (frozenset({'rounds'}), frozenset({'pro_city'}))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterator, Mapping
from typing import NamedTuple

from adventure.core.diagnostics import closest, suggest

Evaluator = Callable[[Mapping[str, object], Mapping[str, int]], object]

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>[0-9]+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<str>"[^"\n]*"|'[^'\n]*')
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|-)
""", re.VERBOSE)

_KEYWORDS = {"and", "or", "not", "true", "false"}
_HINTS = {
    "=": "use '==' to compare",
    "&": "use 'and'",
    "|": "use 'or'",
    "!": "use 'not'",
    ".": "attribute access is not allowed; use a declared variable",
    "[": "indexing is not allowed; use a declared variable",
    ",": "only visited(\"scene_id\") takes an argument",
    "+": "arithmetic is not part of conditions; compare a counter with a number",
    "*": "arithmetic is not part of conditions; compare a counter with a number",
    "/": "arithmetic is not part of conditions; compare a counter with a number",
}
#: Each hint's id in the diagnostics catalogue (``ui.diag.cond.char_<id>``; ``other`` for the rest).
_HINT_IDS = {"=": "eq", "&": "amp", "|": "bar", "!": "bang", ".": "dot", "[": "bracket", ",": "comma",
             "+": "arith", "*": "arith", "/": "arith"}


class ConditionError(Exception):
    """A condition that cannot be accepted; ``col`` is 1-based within the condition text."""

    def __init__(self, message: str, col: int, *, code: str = "E207", fix: str = "", key: str = "",
                 args: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.col = col
        self.code = code
        self.fix = fix
        #: The id of this problem in the diagnostics catalogue (``ui.diag.cond.<key>``) and its
        #: arguments: the loader shows it in the writer's language (message and fix above are
        #: the English, which tests/test_diagnostics.py holds equal to the catalogue's).
        self.key = key
        self.subs = dict(args or {})


# -- the syntax tree ---------------------------------------------------------------------
# A parsed condition is a tree of these plain values: explore, the graph, the web export and the
# language server read it; :func:`compile_tree` turns it into closures for the engine.

class Num(NamedTuple):
    value: int


class Bool(NamedTuple):
    value: bool


class Var(NamedTuple):
    name: str


class Visited(NamedTuple):
    scene: str


class Not(NamedTuple):
    operand: Node


class And(NamedTuple):
    left: Node
    right: Node


class Or(NamedTuple):
    left: Node
    right: Node


class Compare(NamedTuple):
    op: str  # one of COMPARE_OPS
    left: Node
    right: Node


Node = Num | Bool | Var | Visited | Not | And | Or | Compare
COMPARE_OPS = ("==", "!=", "<", "<=", ">", ">=")


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, parents first.

    >>> [type(n).__name__ for n in walk(parse_condition("not a or b > 1", variables={"a": "flag", "b": "counter"}, scenes=()))]
    ['Or', 'Not', 'Var', 'Compare', 'Var', 'Num']
    """
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, Not):
            stack.append(n.operand)
        elif isinstance(n, (And, Or, Compare)):
            stack.extend((n.right, n.left))


def is_literal(node: Node) -> bool:
    """A number or true/false written in the condition (not a variable or a visit count)."""
    return isinstance(node, (Num, Bool))


class Condition(NamedTuple):
    """A compiled condition: its source, its syntax tree, what it reads, and how to test it."""

    source: str
    names: frozenset[str]
    scenes: frozenset[str]
    evaluate: Evaluator
    tree: Node | None = None

    def test(self, variables: Mapping[str, object], visits: Mapping[str, int]) -> bool:
        return bool(self.evaluate(variables, visits))


def _tokenize(src: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if not m:
            ch = src[pos]
            hint = _HINTS.get(ch, "conditions use names, numbers, comparisons, and/or/not and visited(\"id\")")
            raise ConditionError(f"unexpected '{ch}'", pos + 1, fix=hint, key="char_" + _HINT_IDS.get(ch, "other"),
                                 args={"char": ch})
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append((kind, m.group(), pos + 1))
        pos = m.end()
    tokens.append(("end", "", len(src) + 1))
    return tokens


class _Parser:
    def __init__(self, src: str, variables: Mapping[str, str], scenes: Container[str]) -> None:
        self.tokens = _tokenize(src)
        self.i = 0
        self.variables = variables
        self.scenes = scenes
        self.names: set[str] = set()
        self.used_scenes: set[str] = set()

    # Each parse method returns (type, node); type is "bool" or "int".
    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        kind, value, col = self.take()
        if value != text or kind == "str":
            got = "the end" if kind == "end" else f"'{value}'"
            raise ConditionError(f"expected '{text}' but found {got}", col,
                                 fix="check the brackets and quotes",
                                 key="expected_end" if kind == "end" else "expected", args={"text": text, "value": value})

    def parse(self) -> tuple[str, Node]:
        result = self.parse_or()
        kind, value, col = self.peek()
        if kind != "end":
            if value == "(":
                raise ConditionError("calls are not allowed (only visited(\"scene_id\"))", col,
                                     fix="remove the call; conditions cannot run code", key="call")
            raise ConditionError(f"unexpected '{value}'", col,
                                 fix="join conditions with 'and' or 'or'", key="join", args={"value": value})
        return result

    def parse_or(self) -> tuple[str, Node]:
        t, left = self.parse_and()
        while self.peek()[1] == "or" and self.peek()[0] == "name":
            self.take()
            _, right = self.parse_and()
            left = Or(left, right)
            t = "bool"
        return t, left

    def parse_and(self) -> tuple[str, Node]:
        t, left = self.parse_not()
        while self.peek()[1] == "and" and self.peek()[0] == "name":
            self.take()
            _, right = self.parse_not()
            left = And(left, right)
            t = "bool"
        return t, left

    def parse_not(self) -> tuple[str, Node]:
        if self.peek()[1] == "not" and self.peek()[0] == "name":
            self.take()
            _, inner = self.parse_not()
            return "bool", Not(inner)
        return self.parse_compare()

    def parse_compare(self) -> tuple[str, Node]:
        lt, left = self.parse_atom()
        kind, op, col = self.peek()
        if kind != "op" or op not in COMPARE_OPS:
            return lt, left
        self.take()
        rt, right = self.parse_atom()
        if lt != rt:
            raise ConditionError(f"'{op}' compares a {_kind(lt)} with a {_kind(rt)}", col,
                                 fix="compare flags with true/false and counters with numbers",
                                 key=f"compare_{_kind(lt)}_{_kind(rt)}", args={"op": op})
        if op not in ("==", "!=") and lt != "int":
            raise ConditionError(f"'{op}' needs numbers, not flags", col,
                                 fix="use == or != with flags", key="order_flags", args={"op": op})
        return "bool", Compare(op, left, right)

    def parse_atom(self) -> tuple[str, Node]:
        kind, value, col = self.take()
        if kind == "num":
            return "int", Num(_number(value, col))
        if kind == "op" and value == "-":
            k2, v2, c2 = self.take()
            if k2 != "num":
                raise ConditionError("'-' must be followed by a number", c2,
                                     fix="write a negative number like -1", key="minus")
            return "int", Num(-_number(v2, c2))
        if kind == "op" and value == "(":
            result = self.parse_or()
            self.expect(")")
            return result
        if kind == "name":
            if value == "true":
                return "bool", Bool(True)
            if value == "false":
                return "bool", Bool(False)
            if value in ("and", "or", "not"):
                raise ConditionError(f"'{value}' needs something before and after it", col,
                                     fix="write e.g. 'a and b'", key="operand", args={"value": value})
            if self.peek()[1] == "(" and self.peek()[0] == "op":
                if value != "visited":
                    raise ConditionError(f"calls are not allowed: '{value}(...)'", col,
                                         fix="only visited(\"scene_id\") may be called; conditions cannot run code",
                                         key="call_named", args={"value": value})
                return self.parse_visited(col)
            if value == "visited":
                raise ConditionError("visited needs a scene id: visited(\"scene_id\")", col,
                                     fix="write visited(\"scene_id\")", key="visited_bare")
            kind_of = self.variables.get(value)
            if kind_of is None:
                raise ConditionError(f"'{value}' is not a declared variable", col, code="E206",
                                     fix="declare it under variables: in story/story.yaml, or fix the spelling"
                                         + _did_you_mean(value, self.variables), key="variable",
                                     args={"value": value, "closest": closest(value, self.variables)})
            self.names.add(value)
            return ("bool" if kind_of == "flag" else "int"), Var(value)
        if kind == "str":
            raise ConditionError("text is only allowed inside visited(\"...\")", col,
                                 fix="compare variables with numbers or true/false", key="text")
        if kind == "end":
            raise ConditionError("the condition ends too early", col, fix="complete the expression", key="early_end")
        raise ConditionError(f"unexpected '{value}'", col, fix="check the expression", key="unexpected",
                             args={"value": value})

    def parse_visited(self, col: int) -> tuple[str, Node]:
        self.expect("(")
        kind, value, scol = self.take()
        if kind != "str":
            raise ConditionError("visited needs a quoted scene id", scol,
                                 fix="write visited(\"scene_id\")", key="visited_quote")
        scene = value[1:-1]
        if scene not in self.scenes:
            raise ConditionError(f"visited(\"{scene}\") names no scene", scol + 1, code="E205",
                                 fix="use the id of an existing scene" + _did_you_mean(scene, self.scenes),
                                 key="visited_scene", args={"scene": scene, "closest": closest(scene, self.scenes)})
        self.expect(")")
        self.used_scenes.add(scene)
        return "int", Visited(scene)


def compile_tree(node: Node) -> Evaluator:
    """Closures for a syntax tree (the engine's fast path: no tree walk per test).

    >>> compile_tree(Compare(">", Var("n"), Num(2)))({"n": 3}, {})
    True
    """
    if isinstance(node, (Num, Bool)):
        value = node.value
        return lambda v, s: value
    if isinstance(node, Var):
        name = node.name
        return lambda v, s: v[name]
    if isinstance(node, Visited):
        scene = node.scene
        return lambda v, s: s.get(scene, 0)
    if isinstance(node, Not):
        inner = compile_tree(node.operand)
        return lambda v, s: not inner(v, s)
    if isinstance(node, And):
        a, b = compile_tree(node.left), compile_tree(node.right)
        return lambda v, s: bool(a(v, s)) and bool(b(v, s))
    if isinstance(node, Or):
        a, b = compile_tree(node.left), compile_tree(node.right)
        return lambda v, s: bool(a(v, s)) or bool(b(v, s))
    if isinstance(node, Compare):
        a, b, f = compile_tree(node.left), compile_tree(node.right), _COMPARE[node.op]
        return lambda v, s: f(a(v, s), b(v, s))
    raise TypeError(f"not a condition node: {node!r}")


def _number(text: str, col: int) -> int:
    if len(text) > 15:
        raise ConditionError(f"the number has {len(text)} digits; the limit is 15", col,
                             fix="compare with a smaller number", key="digits", args={"digits": len(text)})
    return int(text)


def _did_you_mean(name: str, options: object) -> str:
    try:
        return suggest(name, list(options))  # type: ignore[call-overload]
    except TypeError:
        return ""


def _kind(t: str) -> str:
    return "flag" if t == "bool" else "number"


_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}


def compile_condition(source: str, *, variables: Mapping[str, str], scenes: Container[str]) -> Condition:
    """Parse and compile ``source``; ``variables`` maps names to "flag" or "counter".

    Raises :class:`ConditionError` for anything outside the language.
    """
    if not source.strip():
        raise ConditionError("the condition is empty", 1, fix="write a condition or remove 'when:'", key="empty")
    if len(source) > 2000:
        raise ConditionError("the condition is longer than 2000 characters", 1,
                             fix="split the logic with a flag set by an earlier choice", key="long")
    parser = _Parser(source, variables, scenes)
    if sum(1 for _, v, _ in parser.tokens if v in ("(", "not")) > 64:
        raise ConditionError("the condition nests too deeply", 1, fix="simplify it", key="deep")
    _, tree = parser.parse()
    return Condition(source, frozenset(parser.names), frozenset(parser.used_scenes), compile_tree(tree), tree)


def parse_condition(source: str, *, variables: Mapping[str, str], scenes: Container[str]) -> Node:
    """The syntax tree of ``source`` (the same checks as :func:`compile_condition`).

    >>> parse_condition('n >= -1 and visited("a")', variables={"n": "counter"}, scenes={"a"})
    And(left=Compare(op='>=', left=Var(name='n'), right=Num(value=-1)), right=Visited(scene='a'))
    """
    tree = compile_condition(source, variables=variables, scenes=scenes).tree
    assert tree is not None
    return tree
