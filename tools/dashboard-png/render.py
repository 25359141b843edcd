#!/usr/bin/python3
"""Draws the chart's Grafana dashboard, as a real run saw it, into one PNG.

Input: the JSON that local-cluster's DashboardSnapshot writes during ChaosScenariosTest's
deleteTheJobManagerPodWithoutHa (local-cluster/target/dashboard/delete-jobmanager-pod.json): every
time-series panel's queries answered by the run's real Prometheus over the run's window.
Needs Debian's python3 with matplotlib (apt-get install python3-matplotlib).

Usage: tools/dashboard-png/render.py [snapshot.json] [out.png]
"""
import datetime as dt
import json
import math
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

DEFAULT_IN = "local-cluster/target/dashboard/delete-jobmanager-pod.json"
DEFAULT_OUT = "docs/images/dashboard.png"
UNITS = {"s": "seconds", "ops": "per second", "short": ""}


def legend(fmt, metric):
    """Grafana's legendFormat: {{label}} replaced by the series' label value."""
    text = re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: metric.get(m.group(1), ""), fmt).strip()
    return text or ",".join(f"{k}={v}" for k, v in sorted(metric.items()) if k != "__name__")


def parse(text):
    """An RFC 3339 instant as Java prints it (nanoseconds cut to microseconds)."""
    text = re.sub(r"(\.\d{6})\d*", r"\1", text.replace("Z", "+00:00"))
    return dt.datetime.fromisoformat(text)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_IN
    out = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUT
    with open(src) as f:
        snap = json.load(f)
    panels = snap["panels"]
    start = parse(snap["start"])
    end = parse(snap["end"])
    cols = 2
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(13, 3.1 * rows), squeeze=False)
    for ax, panel in zip(axes.flat, panels):
        drawn = 0
        for q in panel["queries"]:
            for series in q["result"]:
                times = [dt.datetime.fromtimestamp(float(t), dt.timezone.utc) for t, _ in series["values"]]
                values = [float(v) for _, v in series["values"]]
                if all(math.isnan(v) for v in values):
                    continue  # a reason without observations: Grafana draws nothing for it either
                ax.plot(times, values, label=legend(q["legend"], series["metric"]), linewidth=1.6)
                drawn += 1
        ax.set_xlim(start, end)
        ax.set_title(panel["title"], fontsize=10, loc="left")
        ax.set_ylabel(UNITS.get(panel["unit"], panel["unit"]), fontsize=8)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S"))
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        if drawn:
            ax.legend(fontsize=7, loc="upper left")
        else:
            ax.text(0.5, 0.5, "no data in this run", ha="center", va="center", transform=ax.transAxes, color="grey")
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle(
        f"Flink Resilience Operator dashboard, from a real run: {start:%Y-%m-%d %H:%M:%S} to {end:%H:%M:%S} UTC",
        fontsize=11,
    )
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    print(f"wrote {out} ({len(panels)} panels)")


if __name__ == "__main__":
    main()
