package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/shopspring/decimal"
)

// peer times peer.sql in DuckDB over the same Parquet data and checks that
// its credits and earn-back agree with (a)'s credits.csv on every
// lot-month, to the penny.
func peer(dir, data string, a measurement, kpiMonths int) error {
	sql, err := os.ReadFile("peer.sql")
	if err != nil {
		return fmt.Errorf("(c): %w", err)
	}
	if _, err := os.Stat("../tools/duckdb/node_modules/@duckdb/node-api"); err != nil {
		return fmt.Errorf("(c): DuckDB is not installed: npm ci --prefix ../tools/duckdb")
	}
	query := strings.ReplaceAll(string(sql), "__DATA__", data)
	c, err := timed("node", "../tools/duckdb/query.mjs", query)
	if err != nil {
		return fmt.Errorf("(c): %w", err)
	}
	report("(c) DuckDB peer, the same baseline in SQL", c, kpiMonths)
	got, err := peerRows(c.out)
	if err != nil {
		return err
	}
	want, err := engineRows(filepath.Join(dir, "a", "credits.parquet"))
	if err != nil {
		return err
	}
	agree, differ := 0, 0
	for k, w := range want {
		if g, ok := got[k]; ok && g == w {
			agree++
		} else {
			if differ < 5 {
				fmt.Printf("    differs: %s: kpicredit %s, DuckDB %s\n", k, w, got[k])
			}
			differ++
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			differ++ // a lot-month only DuckDB has
		}
	}
	fmt.Printf("\n(a) and (c) agree to the penny on %d of %d lot-months\n", agree, len(want))
	fmt.Printf("ratio kpicredit/DuckDB (baseline, wall time): %.2f\n", a.wall.Seconds()/c.wall.Seconds())
	if differ > 0 {
		return fmt.Errorf("(a) and (c) disagree on %d lot-months", differ)
	}
	return nil
}

// peerRows reads DuckDB's rows: provider, region, month, credits, earn_back.
func peerRows(out []byte) (map[string]string, error) {
	rows := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		if sc.Text() == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("(c): %q: %w", sc.Text(), err)
		}
		month := fmt.Sprint(r["month"])
		if len(month) > 7 {
			month = month[:7]
		}
		key := fmt.Sprintf("%v / %v / %s", r["provider"], r["region"], month)
		rows[key] = money(fmt.Sprint(r["credits"])) + " " + money(fmt.Sprint(r["earn_back"]))
	}
	return rows, sc.Err()
}

// engineRows reads the baseline's credits and earn-back from credits.parquet.
func engineRows(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	rows := map[string]string{}
	err = pq.ReadTable(f, st.Size(), func(header []string) error {
		for i, h := range header {
			col[h] = i
		}
		return nil
	}, func(_ int64, r []string) error {
		if r[col["scenario"]] == "baseline" {
			key := r[col["provider"]] + " / " + r[col["region"]] + " / " + r[col["month"]]
			rows[key] = money(r[col["credits"]]) + " " + money(r[col["earn_back"]])
		}
		return nil
	})
	return rows, err
}

// money writes an amount with two places, so that both sides compare as text.
func money(s string) string {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return s
	}
	return d.StringFixed(2)
}
