package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// The DuckDB peer: SQL scripts run by tools/duckdb/query.mjs (node and
// @duckdb/node-api), timed as a whole process, and the untimed queries
// that check their outputs against kpicredit's.

const queryJS = "../tools/duckdb/query.mjs"

// duckdbReady reports whether DuckDB is installed for node.
func duckdbReady() error {
	if _, err := os.Stat("../tools/duckdb/node_modules/@duckdb/node-api"); err != nil {
		return fmt.Errorf("DuckDB is not installed: npm ci --prefix ../tools/duckdb")
	}
	return nil
}

// peerScript reads a SQL script of bench/ and fills in its placeholders
// (old, new pairs).
func peerScript(name string, oldnew ...string) (string, error) {
	sql, err := os.ReadFile(name)
	if err != nil {
		return "", err
	}
	return strings.NewReplacer(oldnew...).Replace(string(sql)), nil
}

// duckQuery runs SQL in DuckDB, untimed, and returns each statement's
// rows: column name to value, numbers as exact text.
func duckQuery(sql ...string) ([][]map[string]any, error) {
	cmd := exec.Command("node", append([]string{queryJS}, sql...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("node query.mjs: %v: %s", err, stderr.String())
	}
	var res [][]map[string]any
	var rows []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		if sc.Text() == "" {
			res, rows = append(res, rows), nil
			continue
		}
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("query.mjs printed %q: %w", sc.Text(), err)
		}
		rows = append(rows, r)
	}
	return res, sc.Err()
}

func duckdbVersion() string {
	res, err := duckQuery("SELECT version() AS v")
	if err != nil || len(res) == 0 || len(res[0]) == 0 {
		return "?"
	}
	return fmt.Sprint(res[0][0]["v"])
}

// A check compares the rows of a kpicredit table with the peer's: both
// are read by DuckDB and fully joined on the keys; each column counts
// the rows where the two differ.
type check struct {
	what       string // "lot-months"
	kpicredit  string // SELECT over kpicredit's table: the keys, then the columns
	peer       string // SELECT over the peer's
	keys, cols []string
}

// run counts the rows, the rows only one side has and the rows each
// column differs in, and prints up to five rows that differ.
func (c check) run() (rows int, err error) {
	var counts []string
	for _, col := range c.cols {
		counts = append(counts, fmt.Sprintf("count(*) FILTER (WHERE k.%s IS DISTINCT FROM p.%s) AS %s", col, col, col))
	}
	var differ []string
	for _, col := range c.cols {
		differ = append(differ, fmt.Sprintf("k.%s IS DISTINCT FROM p.%s", col, col))
	}
	join := fmt.Sprintf("WITH k AS (%s), p AS (%s) SELECT %%s FROM k FULL JOIN p USING (%s)",
		c.kpicredit, c.peer, strings.Join(c.keys, ", "))
	one := c.keys[len(c.keys)-1]
	sums := fmt.Sprintf(join, fmt.Sprintf("count(*) AS n, count(*) FILTER (WHERE k.%s IS NULL OR p.%s IS NULL) AS unmatched, %s",
		one, one, strings.Join(counts, ", ")))
	sample := fmt.Sprintf(join, "*") + fmt.Sprintf(" WHERE k.%s IS NULL OR p.%s IS NULL OR %s LIMIT 5", one, one,
		strings.Join(differ, " OR "))
	res, err := duckQuery(sums, sample)
	if err != nil {
		return 0, err
	}
	r := res[0][0]
	var bad []string
	for _, col := range append([]string{"unmatched"}, c.cols...) {
		if r[col] != "0" {
			bad = append(bad, fmt.Sprintf("%s in %v", col, r[col]))
		}
	}
	if len(bad) > 0 {
		for _, row := range res[1] {
			fmt.Printf("    differs: %v\n", row)
		}
		return 0, fmt.Errorf("kpicredit and the peer disagree on %s: %s of %v", c.what, strings.Join(bad, ", "), r["n"])
	}
	fmt.Sscan(fmt.Sprint(r["n"]), &rows)
	return rows, nil
}

// checkBaseline checks the peer's credits.parquet and kpi_results.parquet
// against kpicredit's baseline, to the penny.
func checkBaseline(kOut, pOut string) (lotMonths, kpiMonths int, err error) {
	lm := check{what: "lot-months", keys: []string{"provider", "region", "month"},
		cols: []string{"charge", "credits_before_cap", "credits", "earn_back", "net"}}
	lm.kpicredit = fmt.Sprintf("SELECT provider, region, month, %s FROM read_parquet('%s/credits.parquet') WHERE scenario = 'baseline'",
		strings.Join(lm.cols, ", "), kOut)
	lm.peer = fmt.Sprintf("SELECT * FROM read_parquet('%s/credits.parquet')", pOut)
	if lotMonths, err = lm.run(); err != nil {
		return 0, 0, err
	}
	km := check{what: "KPI-months", keys: []string{"provider", "region", "month", "kpi"},
		cols: []string{"status", "streak", "amount", "credit", "earn_back"}}
	km.kpicredit = fmt.Sprintf("SELECT provider, region, month, kpi, %s FROM read_parquet('%s/kpi_results.parquet') WHERE scenario = 'baseline'",
		strings.Join(km.cols, ", "), kOut)
	km.peer = fmt.Sprintf("SELECT * FROM read_parquet('%s/kpi_results.parquet')", pOut)
	kpiMonths, err = km.run()
	return lotMonths, kpiMonths, err
}

// checkSweep checks the peer's sweep.parquet against kpicredit's sweep:
// each value's total credits and earn-back (comparison.parquet summed
// over the lots and KPIs).
func checkSweep(kOut, pOut string) (values int, err error) {
	c := check{what: "sweep values", keys: []string{"target"}, cols: []string{"credits", "earn_back"}}
	c.kpicredit = fmt.Sprintf(`SELECT CAST(split_part(scenario, '=', 2) AS DECIMAL(18,5)) AS target,
		sum(scenario_credits) AS credits, sum(scenario_earn_back) AS earn_back
		FROM read_parquet('%s/comparison.parquet') GROUP BY scenario`, kOut)
	c.peer = fmt.Sprintf("SELECT target, credits, earn_back FROM read_parquet('%s/sweep.parquet')", pOut)
	return c.run()
}
