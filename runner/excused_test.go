package runner_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/input"

	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/stretchr/testify/require"
)

// An excused month reports its measure and volume whenever they are
// defined, also below min_volume, in kpi_results.parquet and its CSV copy.
// On the small contract (K1 = fixed / jobs, volume jobs, min_volume 5):
//
//	North Apr: 0 / 3 = 0, volume 3 < 5: excused, measure 0, volume 3
//	  (unexcused it would be not_measured with no measure).
//	North Feb: 17 / 20 = 0.85, volume 20: excused, measure 0.85.
//	Wales Mar: 0 / 0 is undefined, volume 0 < 5: excused, no measure, volume 0.
//	Wales Apr: 9 / 10 = 0.9, not excused: minor, measure 0.9.
func TestExcusedReportsMeasure(t *testing.T) {
	job := smallJob(t)
	rt, err := input.ReadRelief(job.Data, []string{"K1", "K2"}, "r.csv", strings.NewReader(`provider,region,month,kpi,reason
Acme,North,2025-04,K1,Strike
Acme,North,2025-02,K1,Strike
Acme,Wales,2025-03,*,Storm
`))
	require.NoError(t, err)
	job.Relief = rt
	dir := filepath.Join(t.TempDir(), "out")
	runInto(t, job, nil, dir)
	type cells struct{ status, measure, volume string }
	want := map[string]cells{
		"North 2025-04": {"excused", "0", "3"},
		"North 2025-02": {"excused", "0.85", "20"},
		"Wales 2025-03": {"excused", "", "0"},
		"Wales 2025-04": {"minor", "0.9", "10"},
	}
	got := func(rows []map[string]string) map[string]cells {
		out := map[string]cells{}
		for _, r := range rows {
			if key := r["region"] + " " + r["month"]; r["scenario"] == "baseline" && r["kpi"] == "K1" && want[key] != (cells{}) {
				out[key] = cells{r["status"], trimDecimal(r["measure"]), trimDecimal(r["volume"])}
			}
		}
		return out
	}
	require.Equal(t, want, got(readCSV(t, filepath.Join(dir, "kpi_results.csv"))), "kpi_results.csv")
	require.Equal(t, want, got(readParquet(t, filepath.Join(dir, "kpi_results.parquet"))), "kpi_results.parquet")
}

// trimDecimal drops a decimal's trailing zeros, so that the Parquet
// file's fixed scale compares with the CSV's text: 0.8500 is 0.85.
func trimDecimal(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// readParquet reads a Parquet table's rows as column name to text.
func readParquet(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	st, err := f.Stat()
	require.NoError(t, err)
	var names []string
	var out []map[string]string
	require.NoError(t, pq.ReadTable(f, st.Size(), func(h []string) error { names = h; return nil },
		func(_ int64, cells []string) error {
			r := map[string]string{}
			for i, c := range cells {
				r[names[i]] = c
			}
			out = append(out, r)
			return nil
		}))
	return out
}
