"""The commented starter site.toml that `sitegen init` writes."""

STARTER_SITE_TOML = """\
# sitegen configuration. Every key is optional; the values shown are the defaults
# unless marked "example".

title = "LLM inference benchmarks"
description = "Scorecards of LLM inference runtimes across hardware."
# Absolute URL the site is published at, used only for canonical links and the
# sitemap, e.g. "https://owner.github.io/repo/".
base_url = ""
# Where the result directories live (relative to this file). Every directory that
# directly holds a *.json file is a run; its path below the root is its id and URL.
results = ["results"]
# A results root whose real path lies outside the folder of this file (a link to
# elsewhere, say) is refused unless this is true: a contributor could commit one.
allow_results_outside = false
# Where `sitegen build` writes the site.
output = "_site"
# Link each run's source files where the results repository can be read online
# instead of copying them into the site (a third of its bytes), on GitHub with
# https://github.com/{repository}/blob/{commit}/{path}. {repository} and {commit}
# come from `sitegen build --source-repository --source-commit`, which the GitHub
# Action passes; {path} is each file's path in the repository.
source_url = ""
source_repository = ""
source_commit = ""
# A directory with templates/ and static/ files that override the default theme.
theme = ""
# Files larger than this many MB are skipped unread.
max_file_mb = 64
# Draw a PNG preview card (og:image) for every run and hardware target (needs Pillow).
preview_images = true
# Cost per token: `price_per_hour` of a [[hardware]] target is in this currency.
currency = "USD"
# Throughput per GPU is charted over time at this interactivity (tok/s per user).
reference_interactivity = 20

# Hardware targets. A run's hardware is, in order: `hardware` in its run.toml, the
# first target whose `match` glob matches the run path, the first whose glob
# matches a runtime_name in the run, else the first directory of the run path.
# [[hardware]]                          # example
# id = "jetson-orin"
# name = "Jetson Orin Nano Super"
# description = "8 GB LPDDR5 shared by CPU and GPU, CUDA 12.6."
# match = ["*jetson*"]
# [hardware.specs]
# GPU = "Ampere, 1024 CUDA cores"
# Memory = "8 GB LPDDR5"
# "Power limit" = "25 W"

# Canonical runtimes. A result's runtime is the first entry whose `match` glob
# matches its runtime_name, else runtime_name without its -c<digits> suffix and
# without the words of its hardware target.
# [[runtime]]                           # example
# id = "realizr"
# name = "realizr"
# homepage = "https://example.org/realizr"
# match = ["realizr*", "realizar*"]

# Models. Results of different models (or workloads) on one hardware target are
# ranked apart. A result's model is, in order: `model` in its run.toml, a `model`
# field in the result file, the first entry whose `match` glob matches the run
# path or its runtime_name, else unspecified. Its workload: `workload` in
# run.toml, else the result's dataset_stats.source, else unspecified.
# [[model]]                             # example
# id = "qwen2.5-coder-7b"
# name = "Qwen2.5-Coder 7B (Q4_K_M)"
# match = ["*7b*"]

# When a measurement is flagged. Invalid (no successful request, or no output
# token) and unreliable results are never best and never ranked above valid ones.
# [quality]
# max_error_rate = 0.05                 # above this share of failed requests: unreliable
# min_requests = 5                      # fewer successful requests: few samples
# stale_after_days = 90                 # standings entries this much older than the newest run: stale

# Latency targets (defaults: MLPerf Inference's llama2-70b constraints): a level
# meets one when its p99 TTFT and p99 TPOT are both within.
# [[slo]]                               # example
# name = "interactive"
# ttft_p99_ms = 450
# tpot_p99_ms = 40

# Scoring contract overrides. Anything left out keeps the reference value.
# [scoring]                             # example
# best_in_class_bonus = 5
# [scoring.thresholds.decode_tok_s]
# excellent = 160
# good = 120
# [scoring.interactive_weights]         # must sum to 1
# decode_tok_s = 0.30
# ttft_p50_ms = 0.30
# itl_p50_ms = 0.15
# ttft_p99_ms = 0.15
# error_rate = 0.10
# [[scoring.grades]]                    # highest band first
# min = 90
# label = "A"
"""
