#!/usr/bin/env python3
"""gen_import.py — generates user CSV files in roster's template format for the import benchmark
(bench/import) and the big-file tests (tests/e2e/test_import*.py).

    gen_import.py N saml|managed [--seed S] [--prefix P] [-o FILE]

N rows after the header; `saml` writes the 13 columns of the SAML template, `managed` the 15 of
the CONNECT_MANAGED one (with a password per row). Names, phones, profiles and tags are drawn
from a seeded generator, so the same arguments give the same bytes. Every row references only
what a fresh instance has (Basic Routing Profile; the profiles Agent, QualityAnalyst,
CallCenterManager) and no hierarchy group, so a file imports cleanly into a new instance.
Logins are `PREFIX` + a letter, a last name and the row number: unique, at most 20 characters
(the CONNECT_MANAGED limit) for a prefix of up to 3 characters.
"""
import argparse
import csv
import random
import sys

SAML_HEADER = ["first name", "last name", "secondary email", "mobile", "user login", "routing profile name",
               "security_profile_name_1|security_profile_name_2", "user_hierarchy_1|user_hierarchy_2",
               "phone type (soft/desk)", "phone number", "soft phone auto accept (yes/no)",
               "ACW timeout (seconds)", "tags"]
MANAGED_HEADER = ["first name", "last name", "email address", "secondary email", "mobile", "password",
                  "user login", "routing profile name", "security_profile_name_1|security_profile_name_2",
                  "user_hierarchy_1|user_hierarchy_2", "phone type (soft/desk)", "phone number",
                  "soft phone auto accept (yes/no)", "ACW timeout (seconds)", "tags"]

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Dennis", "Margaret", "Linus", "Frances", "John",
         "Hedy", "Claude", "Tim", "Vint", "Katherine", "Radia", "Donald", "Leslie", "Niklaus", "Sophie", "Mateo",
         "Amara", "Yuki", "Olga", "Ravi", "Chiara", "Tomás", "Ingrid", "Kwame", "Léa", "Zoë"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Ritchie", "Hamilton", "Torvalds",
        "Allen", "Backus", "Lamarr", "Shannon", "Cerf", "Johnson", "Perlman", "Knuth", "Lamport", "Wirth",
        "Martin", "Garcia", "Okafor", "Tanaka", "Ivanova", "Sharma", "Rossi", "Núñez", "Berg", "Mensah",
        "Dupont", "Müller", "O'Neil"]
PROFILES = ["Agent", "Agent", "Agent", "Agent|QualityAnalyst", "CallCenterManager"]
TEAMS = ["billing", "support", "sales", "claims", "onboarding", "retention"]
SITES = ["paris", "lyon", "austin", "pune", "lagos", "osaka"]


def ascii_fold(s):
    """Lower-case ASCII letters of s (accents and other characters dropped), for logins."""
    return "".join(c for c in s.lower() if "a" <= c <= "z")


def rows(n, kind, seed=1, prefix=""):
    """Yields the header, then n rows (lists of cells) of kind 'saml' or 'managed'."""
    rng = random.Random(f"{seed}/{kind}/{prefix}")
    managed = kind == "managed"
    yield MANAGED_HEADER if managed else SAML_HEADER
    for i in range(1, n + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        login = f"{prefix}{ascii_fold(first)[:1]}{ascii_fold(last)[:8]}{i}"
        desk = rng.random() < 0.2
        phone = f"+1555{i:07d}" if desk or rng.random() < 0.5 else ""
        mobile = f"+4477{i:08d}" if rng.random() < 0.3 else ""
        second = f"{login}@example.org" if rng.random() < 0.2 else ""
        tags = f"team|{rng.choice(TEAMS)}||site|{rng.choice(SITES)}" if rng.random() < 0.7 else ""
        common = dict(first=first, last=last, login=login, profiles=rng.choice(PROFILES),
                      phone_type="desk" if desk else "soft", phone=phone, auto="yes" if rng.random() < 0.5 else "no",
                      acw=str(rng.choice([0, 0, 10, 30, 60, 120])), tags=tags)
        if managed:
            yield [first, last, f"{login}@example.com", second, mobile, f"Pw{i}xYz9abc", login,
                   "Basic Routing Profile", common["profiles"], "", common["phone_type"], phone, common["auto"],
                   common["acw"], tags]
        else:
            yield [first, last, second, mobile, login, "Basic Routing Profile", common["profiles"], "",
                   common["phone_type"], phone, common["auto"], common["acw"], tags]


def write(out, n, kind, seed=1, prefix=""):
    """Writes the file to the text stream out (RFC 4180 quoting, LF line ends)."""
    w = csv.writer(out, lineterminator="\n")
    for r in rows(n, kind, seed, prefix):
        w.writerow(r)


def main(argv):
    ap = argparse.ArgumentParser(description="generate a user CSV file for roster's import")
    ap.add_argument("n", type=int)
    ap.add_argument("kind", choices=["saml", "managed"])
    ap.add_argument("--seed", default="1")
    ap.add_argument("--prefix", default="")
    ap.add_argument("-o", "--output")
    a = ap.parse_args(argv)
    if a.n < 0 or a.n > 10_000_000:
        ap.error("N must be 0..10000000")
    if len(a.prefix) > 3 or not all(c.isalnum() for c in a.prefix):
        ap.error("--prefix must be at most 3 letters or digits")
    if a.output:
        with open(a.output, "w", encoding="utf-8", newline="") as f:
            write(f, a.n, a.kind, a.seed, a.prefix)
    else:
        write(sys.stdout, a.n, a.kind, a.seed, a.prefix)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
