"""Synthetic stories for the benchmarks, in our format and in a neutral graph format.

``python benchmarks/synth.py N [--seed S] -o DIR`` writes a story of N scenes (``DIR/story``,
``DIR/locales/en``, ``DIR/locales/es``) and the same graph as ``DIR/graph.json`` in the neutral
format "synthetic-ink-graph/1", so other engines can play the very same graph.
``--from-graph FILE`` converts an existing neutral graph instead of generating one.

Each scene has ~60 words of text and 3 choices: one always goes forward, one sometimes ends
the story (otherwise it jumps elsewhere), one is conditional on a flag in ~30% of scenes;
~20% of choices set a flag. Scenes are written 100 to a chapter file.

Neutral format::

    {"format": "synthetic-ink-graph/1", "n": N, "seed": S, "start": "k0", "end": "END",
     "vars": {"flag": false, ...},
     "knots": {"k0": {"text": [line, ...],
                      "choices": [{"text": str, "target": "kN" | "END",
                                   "condition": null | "flag", "set": null | {"flag": bool}}]}}}
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

FORMAT = "synthetic-ink-graph/1"
PER_FILE = 100
FLAGS = 10
WORDS_EN = ("the river runs past the wall and the men wait in the heat for word from the hills "
            "a runner carries orders through smoke while the guns fall silent at dusk and rain "
            "comes over the marsh city bridge road trench shell bread water rice lamp map night").split()
WORDS_ES = ("el río corre junto al muro y los hombres esperan en el calor noticias de las colinas "
            "un mensajero lleva órdenes entre el humo mientras los cañones callan al anochecer y "
            "la lluvia llega sobre el pantano ciudad puente camino trinchera pan agua arroz").split()


def make_graph(n: int, seed: int = 1) -> dict:
    """A random graph of ``n`` knots (deterministic for a seed)."""
    rng = random.Random(seed)
    flags = [f"flag{i}" for i in range(FLAGS)]
    knots: dict[str, dict] = {}
    for i in range(n):
        words = [rng.choice(WORDS_EN) for _ in range(60)]
        lines = [" ".join(words[j:j + 12]).capitalize() + "." for j in range(0, 60, 12)]
        forward = f"k{i + 1}" if i + 1 < n else "END"
        choices = [{"text": f"Go on to {forward}.", "target": forward, "condition": None, "set": None}]
        if rng.random() < 0.15 or i + 1 == n:
            other = "END"
        else:
            other = f"k{rng.randrange(n)}"
        choices.append({"text": f"Turn aside towards {other}.", "target": other, "condition": None, "set": None})
        if rng.random() < 0.3:
            flag = rng.choice(flags)
            choices.append({"text": f"Remember {flag}.", "target": f"k{rng.randrange(n)}", "condition": flag,
                            "set": None})
        else:
            choices.append({"text": "Wait a moment.", "target": f"k{min(n - 1, i + rng.randrange(1, 5))}",
                            "condition": None, "set": None})
        for c in choices:
            if rng.random() < 0.2:
                c["set"] = {rng.choice(flags): rng.random() < 0.7}
        knots[f"k{i}"] = {"text": lines, "choices": choices}
    return {"format": FORMAT, "n": n, "seed": seed, "start": "k0", "end": "END",
            "vars": {f: False for f in flags}, "knots": knots}


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _spanish(text: str, rng: random.Random) -> str:
    words = text.split()
    return " ".join(rng.choice(WORDS_ES) if w.isalpha() else w for w in words)


def write_story(graph: dict, out: Path) -> Path:
    """Write ``graph`` as a story in our format under ``out``. Returns ``out``."""
    if graph.get("format") != FORMAT:
        raise SystemExit(f"not a {FORMAT} file")
    knots = graph["knots"]
    ids = list(knots)
    start = graph["start"]
    if start in ids:  # the start first, so chapter 1 holds it
        ids.remove(start)
        ids.insert(0, start)
    chapters = [ids[i:i + PER_FILE] for i in range(0, len(ids), PER_FILE)]
    story_dir, loc = out / "story", out / "locales"
    for d in (story_dir, loc / "en", loc / "es"):
        d.mkdir(parents=True, exist_ok=True)
        for old in d.glob("*.yaml"):
            old.unlink()
    variables = "\n".join(f"  {name}: {'true' if v else 'false'}" for name, v in graph["vars"].items())
    (story_dir / "story.yaml").write_text(
        "story:\n  id: synthetic\n  title: story.title\n  start: " + start + "\n  languages: [en, es]\n"
        "  siege_start: \"1944-06-22\"\n"
        "chapters:\n" + "".join(f"  - ch{i}\n" for i in range(len(chapters)))
        + "variables:\n" + (variables or "  unused: false") + "\nendings: [the_end]\n", encoding="utf-8")
    rng = random.Random(graph.get("seed", 0))
    for lang in ("en", "es"):
        titles = "".join(f"  ch{i}:\n    title: {_q(('Chapter ' if lang == 'en' else 'Capítulo ') + str(i))}\n"
                         for i in range(len(chapters)))
        (loc / lang / "story.yaml").write_text(
            f"story:\n  title: {_q('Synthetic' if lang == 'en' else 'Sintética')}\n"
            f"chapters:\n{titles}endings:\n  the_end:\n    title: {_q('The end' if lang == 'en' else 'Fin')}\n"
            f"    text: {_q('It ends here.' if lang == 'en' else 'Aquí termina.')}\n", encoding="utf-8")
    for ci, chapter in enumerate(chapters):
        lines = [f"chapter: ch{ci}", f"date: \"1944-{6 + ci % 3:02d}-{1 + ci % 28:02d}\"", "scenes:"]
        en = ["scenes:"]
        es = ["scenes:"]
        for kid in chapter:
            knot = knots[kid]
            lines.append(f"  {kid}:")
            lines.append("    choices:")
            en += [f"  {kid}:", f"    title: {_q('Scene ' + kid)}", "    text: |"]
            es += [f"  {kid}:", f"    title: {_q('Escena ' + kid)}", "    text: |"]
            for text_line in knot["text"]:
                en.append("      " + text_line)
                es.append("      " + _spanish(text_line, rng))
            en.append("    choices:")
            es.append("    choices:")
            for j, c in enumerate(knot["choices"]):
                lines.append(f"      c{j}:")
                if c["target"] != graph.get("end", "END"):
                    lines.append(f"        to: {c['target']}")
                if c.get("condition"):
                    lines.append(f"        when: {c['condition']}")
                effects = [f"          - set: {{{k}: {'true' if v else 'false'}}}" for k, v in (c.get("set") or {}).items()]
                if c["target"] == graph.get("end", "END"):
                    effects.append("          - end: the_end")
                if effects:
                    lines.append("        effects:")
                    lines.extend(effects)
                en.append(f"      c{j}: {_q(c['text'])}")
                es.append(f"      c{j}: {_q(_spanish(c['text'], rng))}")
        name = f"ch{ci:04d}.yaml"
        (story_dir / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        (loc / "en" / name).write_text("\n".join(en) + "\n", encoding="utf-8")
        (loc / "es" / name).write_text("\n".join(es) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", help="number of scenes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--from-graph", metavar="FILE", help="convert this synthetic-ink-graph/1 file")
    parser.add_argument("-o", "--out", metavar="DIR", required=True)
    args = parser.parse_args(argv)
    if args.from_graph:
        graph = json.loads(Path(args.from_graph).read_text(encoding="utf-8"))
    elif args.n and args.n > 0:
        graph = make_graph(args.n, args.seed)
    else:
        parser.error("give N (> 0) or --from-graph FILE")
    out = Path(args.out)
    write_story(graph, out)
    (out / "graph.json").write_text(json.dumps(graph, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {graph['n']} scenes to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
