#!/usr/bin/env python3
"""Summarises the refine --report JSON files written by eval/run-evaluation.sh into the docs/evaluation.md tables."""
import glob, json, os, statistics, sys

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/clieval/out"
TARGETS = {
    ("youtube-spam", "majority_vote"): (">= 0.92", lambda a, i: a >= 0.92),
    ("refusal-xstest", "llm_gpt4_judge"): (">= 0.89", lambda a, i: a >= 0.89),
    ("fakenews-kaggle", "sim_noise25"): (">= 0.93", lambda a, i: a >= 0.93),
    ("misinfo-headlines", "llm_flan_ul2"): ("never below initial", None),
}

runs = {}
for path in glob.glob(os.path.join(out, "*.json")):
    ds, col, mode, seed = os.path.basename(path)[:-5].split("__")
    with open(path) as f:
        r = json.load(f)
    # Reports written before the CLI de-duplicated rounds repeat the last round after an early stop.
    r["rounds"] = list({x["round"]: x for x in r["rounds"]}.values())
    runs.setdefault((ds, col), {}).setdefault(mode, {})[int(seed[1:])] = r


def stats(values):
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:.3f} (1 seed)"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f} [{min(values):.3f}, {max(values):.3f}]"


print("| dataset, noisy column | items | initial acc | refined acc, few-label priors (best round) | refined acc, last round | seeds | target | met (every seed) | oracle priors | pn loss | MiniLM features |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(runs):
    modes = runs[key]
    main = modes.get("hashing", {})
    if not main:
        continue
    any_run = next(iter(main.values()))
    initial = any_run["initial"]["accuracy"]
    best = [main[s]["final"]["accuracy"] for s in sorted(main)]
    last = [main[s]["rounds"][-1]["accuracy"] for s in sorted(main)]
    target, rule = TARGETS.get(key, ("–", None))
    if rule is not None:
        met = all(rule(a, initial) for a in best)
    else:
        met = all(a >= initial for a in best)
        target = "never below initial" if key in TARGETS else "(none; >= initial shown)"
    met_text = "–" if met is None else ("yes" if met else "no")
    oracle = [r["final"]["accuracy"] for r in modes.get("oracle", {}).values()]
    pn = [r["final"]["accuracy"] for r in modes.get("pn", {}).values()]
    minilm = [r["final"]["accuracy"] for r in modes.get("minilm", {}).values()]
    print(f"| {key[0]}, {key[1]} | {any_run['items']} | {initial:.3f} | {stats(best)} | {stats(last)} | {len(best)} | {target} | {met_text} | {stats(oracle)} | {stats(pn)} | {stats(minilm)} |")

print()
for mode in ["hashing", "oracle", "pn", "minilm"]:
    print(f"Per seed, mode {mode}: final accuracy (chosen round / rounds run, run seconds)")
    print()
    print("| dataset, noisy column | " + " | ".join(f"seed {s}" for s in range(5)) + " |")
    print("|---|" + "---|" * 5)
    for key in sorted(runs):
        main = runs[key].get(mode, {})
        if not main:
            continue
        cells = []
        for s in range(5):
            r = main.get(s)
            cells.append("–" if r is None else f"{r['final']['accuracy']:.3f} (r{r['chosenRound']}/{len(r['rounds'])}, {r['seconds']:.0f} s)")
        print(f"| {key[0]}, {key[1]} | " + " | ".join(cells) + " |")
    print()
