#!/usr/bin/env python3
"""Writes a realistic, made-up customer export for the playbooks in playbooks/.

Usage: python3 examples/generate_customers.py [ROWS] [OUTPUT.csv]
       (defaults: 3000 rows, examples/customers.csv)

The columns are the fields of playbooks/schemas/customer.yaml. The output is
the same bytes on every run (fixed seed, Python 3 standard library only):
UTF-8, one header row, LF line ends, quotes only where a value holds a comma
or a double quote. An empty cell is a value nobody recorded (null for the
playbooks): a few accounts have no health score, many have no NPS answer.
"""
import csv
import datetime
import math
import random
import sys

SEED = 20260115

COLUMNS = [
    "customer_id", "account", "plan", "phase", "health", "nps", "wau",
    "seats", "seat_limit", "storage_gb", "storage_limit_gb", "api_calls_30d",
    "api_limit_30d", "premium_views_30d", "premium_views_prev_30d",
    "trial_active", "stakeholders", "stakeholders_90d_ago", "tenure_days",
    "renewal_date", "mrr", "products", "industry", "life_event",
    "support_tickets_30d",
]

PLANS = ["starter", "standard", "premium", "enterprise"]
PLAN_WEIGHTS = [35, 35, 22, 8]
SEAT_LIMIT = {"starter": 10, "standard": 50, "premium": 250, "enterprise": 1000}
STORAGE_LIMIT_GB = {"starter": 10, "standard": 100, "premium": 1000, "enterprise": 5000}
API_LIMIT_30D = {"starter": 10_000, "standard": 100_000, "premium": 1_000_000,
                 "enterprise": 0}  # 0: no limit
MRR_BASE = {"starter": 99, "standard": 450, "premium": 1800, "enterprise": 7000}

PHASES = ["onboarding", "adoption", "expansion", "renewal"]
PHASE_WEIGHTS = [12, 45, 25, 18]

# Listed in this order in the `products` cell; each owned with its own odds.
PRODUCTS = [("crm", 0.72), ("ma", 0.38), ("analytics", 0.30), ("rbac", 0.18),
            ("api", 0.25), ("support_plus", 0.15)]
INDUSTRIES = ["saas", "manufacturing", "retail", "finance", "healthcare", "public"]
INDUSTRY_WEIGHTS = [30, 20, 15, 15, 12, 8]
LIFE_EVENTS = ["merger", "acquisition", "new_office", "new_business", "reorg"]
NPS_WEIGHTS = [2, 2, 3, 4, 5, 8, 10, 15, 19, 18, 14]  # answers 0..10

EN_FIRST = ["Acme", "Blue", "Northern", "Summit", "Pioneer", "Bright", "Atlas",
            "Golden", "Harbor", "Evergreen", "Crystal", "Prime", "Coastal",
            "Maple", "Cedar", "Falcon", "Nova", "Vertex", "Orbit", "Granite"]
EN_SECOND = ["Widgets", "Systems", "Logistics", "Foods", "Analytics", "Networks",
             "Labs", "Partners", "Dynamics", "Foundry", "Robotics", "Health",
             "Energy", "Media", "Motors", "Software", "Pharma", "Trading"]
EN_SUFFIX = ["Inc", "LLC", "Ltd", "Corp", "GmbH", "Group", "Holdings"]
JA_PREFIX = ["株式会社", "有限会社", ""]
JA_CORE = ["さくら", "ひかり", "みらい", "東京", "大阪", "富士", "青空", "中央",
           "アオバ", "テクノ", "グローバル", "ミドリ"]
JA_SUFFIX = ["商事", "工業", "物産", "電機", "製作所", "システムズ", "食品"]

RENEWAL_FIRST = datetime.date(2025, 12, 20)
RENEWAL_SPAN_DAYS = 390  # renewals run to mid-January 2027


def clamp(value, low, high):
    return max(low, min(high, value))


def account_name(rng):
    """A company name; some hold a comma, a double quote or Japanese text."""
    roll = rng.random()
    if roll < 0.10:
        return rng.choice(JA_PREFIX) + rng.choice(JA_CORE) + rng.choice(JA_SUFFIX)
    first, second = rng.choice(EN_FIRST), rng.choice(EN_SECOND)
    if roll < 0.15:
        return f"{first} {second}, {rng.choice(EN_SUFFIX)}."
    if roll < 0.17:
        return f'{first} "{second}" {rng.choice(EN_SUFFIX)}'
    return f"{first} {second} {rng.choice(EN_SUFFIX)}"


def products(rng):
    owned = [name for name, odds in PRODUCTS if rng.random() < odds]
    return owned or [rng.choice(PRODUCTS)[0]]


def customer(rng, number):
    plan = rng.choices(PLANS, PLAN_WEIGHTS)[0]
    phase = rng.choices(PHASES, PHASE_WEIGHTS)[0]
    onboarding = phase == "onboarding"
    tenure_days = rng.randint(0, 120) if onboarding else rng.randint(90, 2600)

    health = clamp(round(rng.gauss(68, 17)), 0, 100)
    # Unhappy accounts answer the NPS survey lower and open more tickets.
    nps = rng.choices(range(11), NPS_WEIGHTS)[0]
    if health < 50:
        nps = max(0, nps - rng.randint(2, 5))
    tickets = clamp(round(rng.expovariate(1 / (6 if health < 50 else 2.5))), 0, 40)

    seat_limit = SEAT_LIMIT[plan]
    seats = clamp(round(seat_limit * rng.betavariate(2.2, 2.0)), 1, seat_limit)
    # Weekly active users: most seats, plus guests and viewers on larger plans.
    wau = round(seats * rng.uniform(0.3, 1.0) + rng.expovariate(1 / (0.15 * seats + 1)))

    storage_limit = STORAGE_LIMIT_GB[plan]
    storage_cents = round(storage_limit * 100 * rng.betavariate(2, 2.4))
    api_limit = API_LIMIT_30D[plan]
    api_scale = api_limit if api_limit else 2_000_000
    api_calls = clamp(round(api_scale * rng.betavariate(1.6, 2.2)), 0, 5_000_000)

    # Premium feature views: mostly steady, rising sharply for a few accounts.
    views_prev = clamp(round(rng.expovariate(1 / 5)), 0, 60)
    surge = rng.uniform(1.5, 4) if rng.random() < 0.12 else rng.lognormvariate(-0.1, 0.35)
    views_now = clamp(round(views_prev * surge + rng.randint(0, 2)), 0, 60)
    trial = plan in ("starter", "standard") and rng.random() < 0.12

    stakeholders_before = clamp(round(rng.lognormvariate(math.log(4), 0.6)), 1, 40)
    change = rng.choices([0, 1, 2, 3, -1, -2], [68, 12, 6, 3, 8, 3])[0]
    stakeholders = clamp(stakeholders_before + change, 1, 40)

    renewal = RENEWAL_FIRST + datetime.timedelta(days=rng.randint(0, RENEWAL_SPAN_DAYS))
    mrr_cents = round(MRR_BASE[plan] * 100 * rng.lognormvariate(0, 0.35))
    life_event = rng.choice(LIFE_EVENTS) if rng.random() < 0.12 else ""

    # Values nobody recorded are left empty.
    health_cell = "" if rng.random() < 0.02 else health
    nps_cell = "" if rng.random() < 0.18 else nps
    renewal_cell = "" if rng.random() < 0.01 else renewal.isoformat()

    return {
        "customer_id": f"CUS-{number:05d}",
        "account": account_name(rng),
        "plan": plan,
        "phase": phase,
        "health": health_cell,
        "nps": nps_cell,
        "wau": wau,
        "seats": seats,
        "seat_limit": seat_limit,
        "storage_gb": f"{storage_cents // 100}.{storage_cents % 100:02d}",
        "storage_limit_gb": storage_limit,
        "api_calls_30d": api_calls,
        "api_limit_30d": api_limit,
        "premium_views_30d": views_now,
        "premium_views_prev_30d": views_prev,
        "trial_active": "true" if trial else "false",
        "stakeholders": stakeholders,
        "stakeholders_90d_ago": stakeholders_before,
        "tenure_days": tenure_days,
        "renewal_date": renewal_cell,
        "mrr": f"{mrr_cents // 100}.{mrr_cents % 100:02d}",
        "products": ";".join(products(rng)),
        "industry": rng.choices(INDUSTRIES, INDUSTRY_WEIGHTS)[0],
        "life_event": life_event,
        "support_tickets_30d": tickets,
    }


def main(argv):
    rows = int(argv[1]) if len(argv) > 1 else 3000
    output = argv[2] if len(argv) > 2 else "examples/customers.csv"
    rng = random.Random(SEED)
    with open(output, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for number in range(1, rows + 1):
            writer.writerow(customer(rng, number))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
