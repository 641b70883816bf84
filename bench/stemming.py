"""Which Latvian stemmer should search use? Measured on hand-made inflection groups.

Run: `.venv/bin/python bench/stemming.py` (needs `pip install -e '.[bench]'`).

Each group below lists forms of one lemma that a reader takes for one word.
A normaliser maps a word to the key that goes into the index; it is good when

- forms of one group share a key (conflation, i.e. recall), also when the
  query is typed without diacritics ("pasvaldibai" for "pašvaldībai"), and
- forms of different groups do not (collisions, i.e. lost precision).

Pairs are counted, not words, so a group with many forms weighs more.
"""

from __future__ import annotations

import itertools
import time
import unicodedata
from collections.abc import Callable

import LatvianStemmer
import simplemma

# lemma -> forms as they appear in municipal news (nouns, adjectives, verbs).
GROUPS: dict[str, tuple[str, ...]] = {
    "pašvaldība": (
        "pašvaldība",
        "pašvaldības",
        "pašvaldībai",
        "pašvaldību",
        "pašvaldībā",
        "pašvaldībām",
        "pašvaldībās",
    ),
    "novads": (
        "novads",
        "novada",
        "novadam",
        "novadu",
        "novadā",
        "novadi",
        "novadiem",
        "novados",
    ),
    "iedzīvotājs": (
        "iedzīvotājs",
        "iedzīvotāja",
        "iedzīvotājam",
        "iedzīvotāju",
        "iedzīvotāji",
        "iedzīvotājiem",
        "iedzīvotājus",
    ),
    "skola": ("skola", "skolas", "skolai", "skolu", "skolā", "skolām", "skolās"),
    "iela": ("iela", "ielas", "ielai", "ielu", "ielā", "ielām"),
    "projekts": (
        "projekts",
        "projekta",
        "projektam",
        "projektu",
        "projektā",
        "projekti",
        "projektiem",
        "projektos",
    ),
    "dome": ("dome", "domes", "domei", "domi", "domē"),
    "doma": ("doma", "domas", "domai", "domu", "domām"),
    "attīstība": ("attīstība", "attīstības", "attīstībai", "attīstību", "attīstībā"),
    "būvniecība": ("būvniecība", "būvniecības", "būvniecībai", "būvniecību"),
    "autobuss": (
        "autobuss",
        "autobusa",
        "autobusam",
        "autobusu",
        "autobusi",
        "autobusiem",
        "autobusos",
    ),
    "ceļš": ("ceļš", "ceļa", "ceļam", "ceļu", "ceļā", "ceļi", "ceļiem", "ceļus"),
    "valsts": ("valsts", "valstij", "valsti", "valstis", "valstu", "valstīm"),
    "izglītība": ("izglītība", "izglītības", "izglītībai", "izglītību", "izglītībā"),
    "bērns": ("bērns", "bērna", "bērnam", "bērnu", "bērni", "bērniem", "bērnus"),
    "nodaļa": ("nodaļa", "nodaļas", "nodaļai", "nodaļu", "nodaļā", "nodaļām"),
    "pārvalde": ("pārvalde", "pārvaldes", "pārvaldei", "pārvaldi", "pārvaldē"),
    "noteikums": ("noteikums", "noteikumi", "noteikumu", "noteikumiem", "noteikumos"),
    "parks": ("parks", "parka", "parkam", "parku", "parkā", "parki"),
    "māja": ("māja", "mājas", "mājai", "māju", "mājā", "mājām", "mājās"),
    "gads": ("gads", "gada", "gadam", "gadu", "gadā", "gadi", "gadiem", "gados"),
    "atbalsts": ("atbalsts", "atbalsta", "atbalstam", "atbalstu"),
    "jauns": (
        "jauns",
        "jauna",
        "jaunais",
        "jaunā",
        "jaunajam",
        "jaunajai",
        "jaunu",
        "jaunie",
        "jaunajiem",
    ),
    "liels": ("liels", "liela", "lielā", "lielais", "lielajai", "lielu"),
    "piedalīties": ("piedalīties", "piedalās", "piedalījās", "piedalīsies"),
    "mainīt": ("mainīt", "maina", "mainīja", "mainīs", "mainās"),
    "sacensības": ("sacensības", "sacensībām", "sacensībās"),
    "sports": ("sports", "sporta", "sportam", "sportu", "sportā"),
    "ūdens": ("ūdens", "ūdenim", "ūdeni", "ūdeņi", "ūdeņu"),
    "bibliotēka": ("bibliotēka", "bibliotēkas", "bibliotēkai", "bibliotēku", "bibliotēkā"),
    "kultūra": ("kultūra", "kultūras", "kultūrai", "kultūru"),
    "sēde": ("sēde", "sēdes", "sēdē", "sēdi", "sēdēs"),
    "bāriņtiesa": ("bāriņtiesa", "bāriņtiesas", "bāriņtiesai", "bāriņtiesu"),
    "velosipēds": ("velosipēds", "velosipēda", "velosipēdu", "velosipēdi", "velosipēdiem"),
    "sala": ("sala", "salas", "salā", "salu"),
    "sāls": ("sāls", "sālī"),
    "atkritumi": ("atkritumi", "atkritumu", "atkritumiem", "atkritumus"),
    "pieteikums": ("pieteikums", "pieteikuma", "pieteikumu", "pieteikumi", "pieteikumus"),
}


def fold(word: str) -> str:
    """Lower-case and drop diacritics, as FTS5 `remove_diacritics 2` does."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def lemma(word: str) -> str:
    return str(simplemma.lemmatize(word, lang="lv"))


NORMALISERS: dict[str, Callable[[str], str]] = {
    "fold only (no stemming)": fold,
    "fold, then latvianstemmer": lambda w: str(LatvianStemmer.stem(fold(w))),
    "latvianstemmer, then fold": lambda w: fold(LatvianStemmer.stem(w.lower())),
    "simplemma, then fold": lambda w: fold(lemma(w.lower())),
    "fold, then simplemma": lambda w: fold(lemma(fold(w))),
}


def measure(key: Callable[[str], str]) -> dict[str, float]:
    """Share of same-group pairs that conflate, share of cross-group pairs that collide."""
    same = same_folded = same_total = 0
    for forms in GROUPS.values():
        for a, b in itertools.permutations(forms, 2):
            same_total += 1
            same += key(a) == key(b)
            # the reader types `a` without diacritics, the article has `b`
            same_folded += key(fold(a)) == key(b)
    words = [(name, w) for name, forms in GROUPS.items() for w in forms]
    cross = cross_total = 0
    collisions: set[tuple[str, str]] = set()
    for (ga, a), (gb, b) in itertools.combinations(words, 2):
        if ga != gb:
            cross_total += 1
            if key(a) == key(b):
                cross += 1
                collisions.add((min(ga, gb), max(ga, gb)))
    whole = sum(
        len({key(w) for w in forms} | {key(fold(w)) for w in forms}) == 1
        for forms in GROUPS.values()
    )
    started = time.perf_counter()
    for _ in range(20):
        for _, w in words:
            key(w)
    seconds = time.perf_counter() - started
    return {
        "recall": same / same_total,
        "recall_folded": same_folded / same_total,
        "groups_whole": whole,
        "collisions": cross,
        "collision_share": cross / cross_total,
        "colliding_groups": len(collisions),
        "seconds": seconds,
    }


def main() -> None:
    total = sum(len(forms) for forms in GROUPS.values())
    print(f"{total} words in {len(GROUPS)} groups\n")
    results = {name: measure(key) for name, key in NORMALISERS.items()}
    baseline = results["fold only (no stemming)"]["seconds"]
    print(
        f"{'normaliser':28} {'recall':>7} {'typed w/o':>9} {'groups':>7}"
        f" {'collide':>8} {'grp pairs':>9} {'time x':>7}"
    )
    for name, r in results.items():
        print(
            f"{name:28} {r['recall']:7.1%} {r['recall_folded']:9.1%}"
            f" {r['groups_whole']:4.0f}/{len(GROUPS)} {r['collisions']:8.0f}"
            f" {r['colliding_groups']:9.0f} {r['seconds'] / baseline:7.1f}"
        )
    print(
        "\nrecall: same-lemma pairs that share a key; typed w/o: the same with the query"
        " typed without diacritics; groups: lemmas whose every form (with and without"
        " diacritics) has one key; collide: different-lemma word pairs sharing a key;"
        " grp pairs: lemma pairs that collide; time x: relative to fold only."
    )
    for chosen in ("latvianstemmer, then fold", "fold, then latvianstemmer"):
        key = NORMALISERS[chosen]
        print(f"\n{chosen}:")
        for name, forms in GROUPS.items():
            keys = sorted({key(w) for w in forms} | {key(fold(w)) for w in forms})
            if len(keys) > 1:
                print(f"  split: {name}: {', '.join(keys)}")
        by_key: dict[str, set[str]] = {}
        for name, forms in GROUPS.items():
            for w in forms:
                by_key.setdefault(key(w), set()).add(name)
        for k, names in sorted(by_key.items()):
            if len(names) > 1:
                print(f"  collision: {k}: {', '.join(sorted(names))}")


if __name__ == "__main__":
    main()
