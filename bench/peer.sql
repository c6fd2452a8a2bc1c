-- bench/peer.sql — the example contract's BASELINE service credits, in DuckDB SQL.
--
-- A hand-written peer of kpicredit for runner/testdata/bench/rules.yaml, the
-- example contract before terms over time (15 KPIs, the `property` service
-- area, a 7.5% monthly cap, a 5% projected annual cap and KPI-06's
-- earn-back), with no relief. The harness replaces the placeholders: the
-- data path (the Parquet file `go run ./examples/aasc/gen` writes) and the
-- output directory. peer_sweep.sql is the same query over a sweep of
-- KPI-07's target.
--
-- Result: two Parquet files in the directory __OUT__, as kpicredit's default
-- run writes its own (money DECIMAL(18,2), month the DATE of its first day):
--   credits.parquet      one row per lot-month, ordered by provider, region,
--                        month: charge, credits_before_cap, credits (after
--                        the monthly and annual caps, before earn-back),
--                        earn_back (<= 0) and net;
--   kpi_results.parquet  one row per lot-month-KPI, ordered by provider,
--                        region, month, kpi: status, streak (0 unless
--                        failed), amount (before caps; an area KPI's share),
--                        credit (after both caps) and earn_back.
-- The pipeline runs once, into a temporary table both files are copied from.
--
-- Exactness. DuckDB's DECIMAL / DECIMAL is a DOUBLE, so nothing here divides
-- decimals. Instead:
--   * money is an integer number of pence (HUGEINT);
--   * a measure num/den is kpicredit's exact one: the quotient rounded to 16
--     places half away from zero (shopspring DivRound(16)), held as the
--     integer m16 = measure x 10^16 and computed as
--       (2 * num * 10^16 + den) // (2 * den)        (num, den >= 0);
--     targets and bounds are integers in the same 10^-16 units, so every
--     comparison is exact;
--   * every credit is an exact fraction a/b of pence rounded ONCE, half up
--     (rulebook `rounding: half_up`: halves away from zero; all amounts are
--     >= 0), as the integer (2a + b) // (2b);
--   * escalation multipliers are integers in hundredths (1.5 -> 150) and points
--     in hundredths, so that nothing is rounded on the way.
--
-- Step by step (kpicredit's package docs, credits/doc.go):
--   src       the data, charge in pence
--   obs       one row per lot-month-KPI: the measure's numerator/denominator
--   judged    status per KPI (kpi.Judge / kpi.Classify)
--   streaks   escalation streaks and met runs (a met month resets the streak,
--             a failure the met run; not measured / not applicable leave both)
--   priced    each KPI's amount before caps, rounded once (credits/scheme.go),
--             and the points of the service-area KPIs
--   area      the `property` area: pooled points, tiers, credit, and its
--             largest-remainder split back over KPI-01..03
--   amounts   the 15 amounts before caps
--   m_tot     the monthly cap (7.5% of charge) and the amounts' sum
--   lot_year  the annual cap's limit (5% of the projected contract-year charges)
--   ywalk     a recursive walk through each lot's contract year applying it
--   acap      the month's total after both caps, spread once over the amounts
--             before caps by largest remainder
--   eb        KPI-06's earn-back (50% of its pool after 3 met months running)
--   peer      the temporary table: one row per lot-month-KPI
CREATE TEMP TABLE peer AS
WITH RECURSIVE
-- ---------------------------------------------------------------------------
-- The data. keys: [provider, region]; charge: monthly_charge (money, 2 places).
-- ---------------------------------------------------------------------------
src AS (
    SELECT *,
           CAST(monthly_charge * 100 AS HUGEINT) AS charge_p,          -- pence, exact
           -- contract years run from start: 2024-09 (d = months since then)
           (year(month) - 2024) * 12 + (month(month) - 9) AS d
    FROM read_parquet('__DATA__')
),
-- ---------------------------------------------------------------------------
-- KPI definitions, transcribed from rules.yaml. All thresholds in 10^-16.
--   dir: 'H' higher is better, 'L' lower is better (KPI-05)
--   min_vol: min_volume (NULL: none; a 0 denominator is then not measured)
--   target, serious, severe, critical: the target and the level bounds
--   floor: a sliding scheme's floor (its span is |target - floor|)
-- ---------------------------------------------------------------------------
kdef(kpi, dir, min_vol, target, serious, severe, critical, floor) AS (
    VALUES
    ( 1, 'H', 20,  0.99, 0.98, 0.97, 0.96, NULL),  -- KPI-01 emergency defects 24h (points, area, esc 1/1.5/2)
    ( 2, 'H', 20,  0.95, 0.90, NULL, NULL, NULL),  -- KPI-02 urgent defects 5d     (points, area)
    ( 3, 'H', 20,  0.90, 0.80, NULL, NULL, NULL),  -- KPI-03 routine defects 20d   (points, area)
    ( 4, 'H', 50,  0.98, 0.95, NULL, NULL, NULL),  -- KPI-04 HHSRS inspections (not in Scotland; % of charge)
    ( 5, 'L', 30,  21,   28,   35,   NULL, NULL),  -- KPI-05 average nights in IA  (lower; per_shortfall whole nights)
    ( 6, 'H', NULL,0.95, 0.90, NULL, NULL, NULL),  -- KPI-06 transport (fixed, esc 1/1.5/2, earn-back 50% after 3)
    ( 7, 'H', 10,  0.95, 0.90, 0.80, NULL, 0.75),  -- KPI-07 5 days' notice of a move (sliding 2%, floor 0.75)
    ( 8, 'H', 10,  0.90, 0.80, NULL, NULL, NULL),  -- KPI-08 complaints (points x 2500)
    ( 9, 'H', 20,  0.99, 0.98, 0.97, 0.96, NULL),  -- KPI-09 incidents reported (% of charge, esc 1/1.25/1.5)
    (10, 'H', 10,  1,    0.95, NULL, 0.90, NULL),  -- KPI-10 safeguarding (fixed; no severe level)
    (11, 'H', NULL,1,    0.90, NULL, NULL, NULL),  -- KPI-11 data returns (fixed)
    (12, 'H', NULL,0.99, 0.98, 0.97, 0.96, NULL),  -- KPI-12 safety certificates (per_shortfall 1% per 0.01)
    (13, 'H', 20,  0.95, 0.90, NULL, NULL, NULL),  -- KPI-13 inductions (points x 2500)
    (14, 'H', 50,  0.97, 0.93, NULL, NULL, NULL),  -- KPI-14 welfare visits (points x 2500)
    (15, 'H', 100, 0.90, NULL, NULL, NULL, 0.70)   -- KPI-15 helpline (sliding 2%, floor 0.70)
),
kdef16 AS (
    -- decimal literals -> exact integers in 10^-16 (DECIMAL x integer is exact)
    SELECT kpi, dir, min_vol,
           CAST(CAST(target   AS DECIMAL(20,2)) * 10000000000000000 AS HUGEINT) AS t16,
           CAST(CAST(serious  AS DECIMAL(20,2)) * 10000000000000000 AS HUGEINT) AS b2,
           CAST(CAST(severe   AS DECIMAL(20,2)) * 10000000000000000 AS HUGEINT) AS b3,
           CAST(CAST(critical AS DECIMAL(20,2)) * 10000000000000000 AS HUGEINT) AS b4,
           CAST(CAST(floor    AS DECIMAL(20,2)) * 10000000000000000 AS HUGEINT) AS f16
    FROM kdef
),
-- ---------------------------------------------------------------------------
-- One row per lot-month-KPI: measure = num / den, volume = den (every KPI's
-- volume is its measure's denominator); `applies` only for KPI-04.
-- ---------------------------------------------------------------------------
obs AS (
    SELECT s.provider, s.region, s.month, s.d, s.charge_p,
           u.o.kpi AS kpi, CAST(u.o.num AS HUGEINT) AS num, CAST(u.o.den AS HUGEINT) AS den,
           u.o.applies AS applies
    FROM src s,
    LATERAL (SELECT UNNEST([
        {'kpi': 1,  'num': s.emergency_fixed_24h,         'den': s.emergency_jobs,     'applies': true},
        {'kpi': 2,  'num': s.urgent_fixed_5d,             'den': s.urgent_jobs,        'applies': true},
        {'kpi': 3,  'num': s.routine_fixed_20d,           'den': s.routine_jobs,       'applies': true},
        {'kpi': 4,  'num': s.inspections_done,            'den': s.inspections_due,    'applies': s.region <> 'Scotland'},
        {'kpi': 5,  'num': s.ia_nights,                   'den': s.ia_exits,           'applies': true},
        {'kpi': 6,  'num': s.transport_on_time,           'den': s.transport_requests, 'applies': true},
        {'kpi': 7,  'num': s.moves_5_days_notice,         'den': s.moves,              'applies': true},
        {'kpi': 8,  'num': s.complaints_resolved_on_time, 'den': s.complaints,         'applies': true},
        {'kpi': 9,  'num': s.incidents_reported_24h,      'den': s.incidents,          'applies': true},
        {'kpi': 10, 'num': s.safeguarding_referred_24h,   'den': s.safeguarding_cases, 'applies': true},
        {'kpi': 11, 'num': s.returns_on_time,             'den': s.returns_due,        'applies': true},
        {'kpi': 12, 'num': s.properties_compliant,        'den': s.properties,         'applies': true},
        {'kpi': 13, 'num': s.arrivals_inducted_24h,       'den': s.arrivals,           'applies': true},
        {'kpi': 14, 'num': s.visits_done,                 'den': s.visits_due,         'applies': true},
        {'kpi': 15, 'num': s.calls_answered_60s,          'den': s.calls,              'applies': true}
    ]) AS o) u
),
-- ---------------------------------------------------------------------------
-- Status (kpi.Judge): not applicable; else not measured when the volume is
-- below min_volume or the measure is 0/0; else classified. Levels:
--   -2 not_applicable, -1 not_measured, 0 met, 1 minor, 2 serious,
--   3 severe, 4 critical.
-- Classify: at or better than the target is met; otherwise the worst level
-- whose bound the measure is strictly worse than (at a bound: the better
-- level), else minor.
-- ---------------------------------------------------------------------------
measured AS (
    SELECT o.*, k.dir, k.t16, k.b2, k.b3, k.b4,
           abs(k.t16 - k.f16) AS span16,  -- a sliding scheme's span, 10^-16 (NULL for others)
           CASE WHEN o.applies AND o.den > 0
                     AND (k.min_vol IS NULL OR o.den >= k.min_vol)
                THEN (2 * o.num * CAST(10000000000000000 AS HUGEINT) + o.den) // (2 * o.den)
           END AS m16,                    -- measure x 10^16, rounded half away from zero
           CASE WHEN NOT o.applies THEN -2
                WHEN o.den = 0 OR o.den < coalesce(k.min_vol, 0) THEN -1
           END AS pre
    FROM obs o JOIN kdef16 k USING (kpi)
),
judged AS (
    SELECT *,
           CASE WHEN pre IS NOT NULL THEN pre
                WHEN dir = 'H' THEN
                    CASE WHEN m16 >= t16 THEN 0
                         WHEN b4 IS NOT NULL AND m16 < b4 THEN 4
                         WHEN b3 IS NOT NULL AND m16 < b3 THEN 3
                         WHEN b2 IS NOT NULL AND m16 < b2 THEN 2
                         ELSE 1 END
                ELSE -- lower is better
                    CASE WHEN m16 <= t16 THEN 0
                         WHEN b4 IS NOT NULL AND m16 > b4 THEN 4
                         WHEN b3 IS NOT NULL AND m16 > b3 THEN 3
                         WHEN b2 IS NOT NULL AND m16 > b2 THEN 2
                         ELSE 1 END
           END AS lvl,
           -- shortfall: how far the measure misses the target (>= 0), 10^-16
           greatest(CASE WHEN dir = 'H' THEN t16 - m16 ELSE m16 - t16 END, 0) AS short16
    FROM measured
),
-- ---------------------------------------------------------------------------
-- Escalation streaks and met runs. `gm` counts the met months so far, so the
-- failures since the last met month share a gm; `gf` likewise for failures.
-- streak = failures so far in this gm (the n-th consecutive failure);
-- met_run = met months so far in this gf. Not measured / not applicable
-- months count in neither, which leaves both as they were.
-- ---------------------------------------------------------------------------
runs AS (
    SELECT *,
           sum(CASE WHEN lvl = 0 THEN 1 ELSE 0 END) OVER w AS gm,
           sum(CASE WHEN lvl > 0 THEN 1 ELSE 0 END) OVER w AS gf
    FROM judged
    WINDOW w AS (PARTITION BY provider, region, kpi ORDER BY month ROWS UNBOUNDED PRECEDING)
),
streaks AS (
    SELECT *,
           sum(CASE WHEN lvl > 0 THEN 1 ELSE 0 END)
               OVER (PARTITION BY provider, region, kpi, gm ORDER BY month ROWS UNBOUNDED PRECEDING) AS streak,
           sum(CASE WHEN lvl = 0 THEN 1 ELSE 0 END)
               OVER (PARTITION BY provider, region, kpi, gf ORDER BY month ROWS UNBOUNDED PRECEDING) AS met_run
    FROM runs
),
-- ---------------------------------------------------------------------------
-- Pricing of a failure (credits/scheme.go), as an exact fraction a / b of
-- pence, rounded once half up: (2a + b) // (2b).
--   m100: escalation multiplier x 100 — the n-th consecutive failure takes
--         the n-th entry, the last repeating:
--         KPI-01, KPI-06: [1, 1.5, 2]; KPI-09: [1, 1.25, 1.5]; others [1].
-- ---------------------------------------------------------------------------
esc AS (
    SELECT *,
           CAST(CASE WHEN lvl <= 0 THEN 100
                     WHEN kpi IN (1, 6) THEN CASE streak WHEN 1 THEN 100 WHEN 2 THEN 150 ELSE 200 END
                     WHEN kpi = 9       THEN CASE streak WHEN 1 THEN 100 WHEN 2 THEN 125 ELSE 150 END
                     ELSE 100 END AS HUGEINT) AS m100
    FROM streaks
),
quoted AS (
    SELECT *,
        -- points earned after escalation, x 100, for the property area's KPIs
        CASE WHEN kpi = 1 THEN (CASE lvl WHEN 1 THEN 2 WHEN 2 THEN 4 WHEN 3 THEN 6 WHEN 4 THEN 10 ELSE 0 END) * m100
             WHEN kpi = 2 THEN (CASE lvl WHEN 1 THEN 2 WHEN 2 THEN 4 ELSE 0 END) * m100
             WHEN kpi = 3 THEN (CASE lvl WHEN 1 THEN 1 WHEN 2 THEN 3 ELSE 0 END) * m100
        END AS pts100,
        -- a: numerator in pence, b: denominator (amount = a / b pence)
        CASE WHEN lvl <= 0 OR kpi IN (1, 2, 3) THEN 0
             -- KPI-04 percent_of_charge {minor 0.5, serious 1}: charge x pct / 100
             WHEN kpi = 4  THEN charge_p * (CASE lvl WHEN 1 THEN 5 ELSE 10 END)
             -- KPI-05 per_shortfall 0.25% of charge per whole night over 21:
             --   charge x 0.25 x floor(shortfall / 1) / 100
             WHEN kpi = 5  THEN charge_p * 25 * (short16 // CAST(10000000000000000 AS HUGEINT))
             -- KPI-06 fixed {minor 10000, serious 30000} x escalation
             WHEN kpi = 6  THEN (CASE lvl WHEN 1 THEN 1000000 ELSE 3000000 END) * m100
             -- KPI-07, KPI-15 sliding: charge x 2% x min(1, shortfall / span),
             --   span = |target - floor| (0.95 - 0.75 and 0.90 - 0.70)
             WHEN kpi IN (7, 15) THEN CASE WHEN short16 >= span16 THEN charge_p * 2
                                           ELSE charge_p * 2 * short16 END
             -- KPI-08 points {minor 4, serious 10} x point_value 2500.00
             WHEN kpi = 8  THEN (CASE lvl WHEN 1 THEN 4 ELSE 10 END) * 250000
             -- KPI-09 percent_of_charge {0.5, 1, 2, 3} x escalation
             WHEN kpi = 9  THEN charge_p * (CASE lvl WHEN 1 THEN 5 WHEN 2 THEN 10 WHEN 3 THEN 20 ELSE 30 END) * m100
             -- KPI-10 fixed {minor 10000, serious 25000, critical 50000}
             WHEN kpi = 10 THEN CASE lvl WHEN 1 THEN 1000000 WHEN 2 THEN 2500000 ELSE 5000000 END
             -- KPI-11 fixed {minor 5000, serious 15000}
             WHEN kpi = 11 THEN CASE lvl WHEN 1 THEN 500000 ELSE 1500000 END
             -- KPI-12 per_shortfall 1% of charge per 0.01: charge x 1 x shortfall / (100 x 0.01)
             WHEN kpi = 12 THEN charge_p * short16
             -- KPI-13 points {minor 3, serious 8} x 2500.00
             WHEN kpi = 13 THEN (CASE lvl WHEN 1 THEN 3 ELSE 8 END) * 250000
             -- KPI-14 points {minor 4, serious 10} x 2500.00
             WHEN kpi = 14 THEN (CASE lvl WHEN 1 THEN 4 ELSE 10 END) * 250000
        END AS a,
        CAST(CASE kpi
             WHEN 4  THEN 1000                          -- pct in tenths / 100
             WHEN 5  THEN 10000                         -- 0.25 = 25/100, / 100
             WHEN 6  THEN 100                           -- m100
             WHEN 7  THEN CASE WHEN short16 >= span16 THEN 100
                               ELSE 100 * span16 END    -- % / 100, shortfall / span
             WHEN 9  THEN 100000                        -- tenths x m100 / 100
             WHEN 12 THEN 10000000000000000             -- shortfall in 10^-16
             WHEN 15 THEN CASE WHEN short16 >= span16 THEN 100
                               ELSE 100 * span16 END
             ELSE 1 END AS HUGEINT) AS b
    FROM esc
),
priced AS (
    SELECT *, (2 * CAST(a AS HUGEINT) + b) // (2 * b) AS amt_p   -- rounded once, half up
    FROM quoted
),
-- ---------------------------------------------------------------------------
-- Service area `property` (KPI-01..03): pooled points P; threshold 2; points
-- 3-10 count once, 11-20 x1.5, 21+ x2 (tiers from 11 and from 21); each
-- weighted point is 0.3% of the charge. w200 = weighted points x 200.
-- ---------------------------------------------------------------------------
area_pts AS (
    SELECT provider, region, month, any_value(charge_p) AS charge_p,
           sum(pts100) AS p100
    FROM priced WHERE kpi IN (1, 2, 3)
    GROUP BY ALL
),
area AS (
    SELECT *,
           -- credit = round(weighted x charge x 0.3 / 100) = w200 x charge_p x 3 / 200000
           (2 * w200 * charge_p * 3 + 200000) // (2 * 200000) AS area_p
    FROM (
        SELECT *,
               CAST(2 * greatest(least(p100, 1000) - 200, 0)
                  + 3 * greatest(least(p100, 2000) - 1000, 0)
                  + 4 * greatest(p100 - 2000, 0) AS HUGEINT) AS w200
        FROM area_pts
    )
),
-- largest remainder: floor share, remainder; the leftover pence go to the
-- largest remainders, ties to the KPI listed first
area_split AS (
    SELECT p.provider, p.region, p.month, p.kpi,
           CASE WHEN a.p100 > 0 THEN (a.area_p * p.pts100) // a.p100 ELSE 0 END AS fl,
           CASE WHEN a.p100 > 0 THEN (a.area_p * p.pts100) %  a.p100 ELSE 0 END AS rem,
           a.area_p
    FROM priced p JOIN area a USING (provider, region, month)
    WHERE p.kpi IN (1, 2, 3)
),
area_share AS (
    SELECT provider, region, month, kpi,
           fl + CASE WHEN row_number() OVER (PARTITION BY provider, region, month ORDER BY rem DESC, kpi)
                          <= area_p - sum(fl) OVER (PARTITION BY provider, region, month)
                     THEN 1 ELSE 0 END AS share_p
    FROM area_split
),
-- the 15 amounts before caps
amounts AS (
    SELECT p.provider, p.region, p.month, p.d, p.charge_p, p.kpi, p.lvl, p.streak, p.met_run,
           CASE WHEN p.kpi IN (1, 2, 3) THEN s.share_p ELSE p.amt_p END AS amount_p
    FROM priced p LEFT JOIN area_share s USING (provider, region, month, kpi)
),
-- ---------------------------------------------------------------------------
-- Monthly cap: 7.5% of the charge, rounded once. The month's total is
-- min(amounts' sum, cap); it is spread over the KPIs below, once the annual
-- cap is applied too.
-- ---------------------------------------------------------------------------
m_tot AS (
    SELECT *,
           sum(amount_p) OVER w_lm AS before_p,
           (2 * charge_p * 75 + 1000) // 2000 AS mcap_p
    FROM amounts
    WINDOW w_lm AS (PARTITION BY provider, region, month)
),
-- ---------------------------------------------------------------------------
-- Annual cap: contract years run from 2024-09. In month i (0..11) of year y
-- the limit is 5% of the projected year's charges — charges so far in the
-- year (this month's included) + this month's charge x the months left —
-- rounded once. The month gets what the cap has left after earlier months:
--   left_m = max(0, limit_m - S_{m-1});  credits_m = min(C_m, left_m);
--   S_m = S_{m-1} + credits_m  (S: the year's credits so far).
-- S is a running state, so walk each lot's year month by month (recursive).
-- ---------------------------------------------------------------------------
lot_month AS (
    SELECT provider, region, month, any_value(charge_p) AS charge_p,
           any_value(d) // 12 AS cy,       -- contract year (d >= 0: kpicredit rejects
           any_value(d) % 12  AS mi,       --   data before start); month in it, 0..11
           least(any_value(before_p), any_value(mcap_p)) AS c_p
    FROM m_tot GROUP BY ALL
),
lot_year AS (
    SELECT *,
           (2 * ((sum(charge_p) OVER (PARTITION BY provider, region, cy ORDER BY month
                                      ROWS UNBOUNDED PRECEDING)
                  + charge_p * (11 - mi)) * 5) + 100) // 200 AS ylimit_p,
           row_number() OVER (PARTITION BY provider, region, cy ORDER BY month) AS step
    FROM lot_month
),
ywalk AS (
    SELECT provider, region, cy, step, month, c_p, ylimit_p,
           greatest(ylimit_p, 0) AS left_p,                        -- S_0 = 0
           least(c_p, greatest(ylimit_p, 0)) AS credits_p,
           least(c_p, greatest(ylimit_p, 0)) AS ytd_p
    FROM lot_year WHERE step = 1
    UNION ALL
    SELECT n.provider, n.region, n.cy, n.step, n.month, n.c_p, n.ylimit_p,
           greatest(n.ylimit_p - w.ytd_p, 0),
           least(n.c_p, greatest(n.ylimit_p - w.ytd_p, 0)),
           w.ytd_p + least(n.c_p, greatest(n.ylimit_p - w.ytd_p, 0))
    FROM ywalk w JOIN lot_year n
      ON n.provider = w.provider AND n.region = w.region AND n.cy = w.cy AND n.step = w.step + 1
),
-- spread the month's total after both caps over the amounts before caps,
-- once, by largest remainder
a_split AS (
    SELECT m.*, y.credits_p,
           CASE WHEN m.before_p > y.credits_p THEN (y.credits_p * m.amount_p) // m.before_p END AS fl,
           CASE WHEN m.before_p > y.credits_p THEN (y.credits_p * m.amount_p) %  m.before_p END AS rem
    FROM m_tot m JOIN ywalk y USING (provider, region, month)
),
acap AS (
    SELECT provider, region, month, kpi, lvl, streak, met_run, charge_p, before_p, amount_p, credits_p,
           CASE WHEN before_p <= credits_p THEN amount_p
                ELSE fl + CASE WHEN row_number() OVER (PARTITION BY provider, region, month ORDER BY rem DESC, kpi)
                                    <= credits_p - sum(fl) OVER (PARTITION BY provider, region, month)
                               THEN 1 ELSE 0 END
           END AS credit_p
    FROM a_split
),
-- ---------------------------------------------------------------------------
-- Earn-back, KPI-06 only: {percent: 50, after_met_months: 3}. Its credits
-- after caps pool; on the 3rd consecutive met month (met_run = 3) half the
-- pool, rounded once, is refunded and the pool empties. At every such month
-- the pool ends empty (refunded, or nothing had pooled), so the pool it
-- refunds is exactly the credits since the previous met_run = 3 month.
-- ---------------------------------------------------------------------------
eb_mark AS (
    SELECT provider, region, month, credit_p,
           (lvl = 0 AND met_run = 3) AS trigger,
           coalesce(sum(CASE WHEN lvl = 0 AND met_run = 3 THEN 1 ELSE 0 END)
                        OVER (PARTITION BY provider, region ORDER BY month
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS period
    FROM acap WHERE kpi = 6
),
eb AS (
    SELECT provider, region, month,
           CASE WHEN trigger THEN
                -((2 * sum(credit_p) OVER (PARTITION BY provider, region, period) * 50 + 100) // 200)
                ELSE 0 END AS eb_p
    FROM eb_mark
)
-- one row per lot-month-KPI, the lot-month's figures repeated on each
SELECT a.provider, a.region, a.month, a.kpi, a.lvl,
       CASE WHEN a.lvl > 0 THEN a.streak ELSE 0 END AS streak,
       a.amount_p, a.credit_p, CASE WHEN a.kpi = 6 THEN e.eb_p ELSE 0 END AS kpi_eb_p,
       a.charge_p, a.before_p, a.credits_p, e.eb_p
FROM acap a JOIN eb e USING (provider, region, month);

CREATE MACRO pounds(p) AS CAST(CAST(p AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2));

COPY (
    SELECT provider, region, month,
           pounds(any_value(charge_p))             AS charge,
           pounds(any_value(before_p))             AS credits_before_cap,
           pounds(any_value(credits_p))            AS credits,
           pounds(any_value(eb_p))                 AS earn_back,
           pounds(any_value(credits_p + eb_p))     AS net
    FROM peer GROUP BY provider, region, month
    ORDER BY provider, region, month
) TO '__OUT__/credits.parquet' (FORMAT PARQUET);

COPY (
    SELECT provider, region, month,
           'KPI-' || lpad(CAST(kpi AS VARCHAR), 2, '0') AS kpi,
           CASE lvl WHEN -2 THEN 'not_applicable' WHEN -1 THEN 'not_measured' WHEN 0 THEN 'met'
                    WHEN 1 THEN 'minor' WHEN 2 THEN 'serious' WHEN 3 THEN 'severe'
                    ELSE 'critical' END AS status,
           streak,
           pounds(amount_p) AS amount,
           pounds(credit_p) AS credit,
           pounds(kpi_eb_p) AS earn_back
    FROM peer
    ORDER BY provider, region, month, kpi
) TO '__OUT__/kpi_results.parquet' (FORMAT PARQUET);
