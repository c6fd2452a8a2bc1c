package runner_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/require"
)

const outputsDoc = "../docs/outputs.md"

// docSection returns the text of the "## title" section of a Markdown
// file, up to the next "## " heading.
func docSection(t *testing.T, path, title string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(b), "\n## "+title+"\n")
	require.True(t, ok, "%s has a section %q", path, "## "+title)
	section, _, _ := strings.Cut(rest, "\n## ")
	return section
}

var docRow = regexp.MustCompile("(?m)^\\| (`[^|]+`|\\*key columns\\*) \\| ([^|]+) \\|")

// documentedColumns lists the columns a section's table documents, in
// order, with their Parquet types; "*key columns*" stands for the
// rulebook's keys.
func documentedColumns(section string, keys []string) (names, types []string) {
	for _, m := range docRow.FindAllStringSubmatch(section, -1) {
		typ := strings.TrimSpace(m[2])
		if m[1] == "*key columns*" {
			for _, k := range keys {
				names, types = append(names, k), append(types, typ)
			}
			continue
		}
		names, types = append(names, strings.Trim(m[1], "`")), append(types, typ)
	}
	return names, types
}

// parquetTypes describes each column of a Parquet file as docs/outputs.md
// writes its type, m standing for the currency's minor units.
func parquetTypes(t *testing.T, path string, minorUnits int) (names, types []string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	st, err := f.Stat()
	require.NoError(t, err)
	pf, err := parquet.OpenFile(f, st.Size())
	require.NoError(t, err)
	for _, fld := range pf.Schema().Fields() {
		var typ string
		switch lt := fld.Type().LogicalType(); v := lt.Value.(type) {
		case *format.StringType:
			typ = "STRING"
		case *format.DateType:
			typ = "DATE"
		case *format.DecimalType:
			scale := fmt.Sprint(v.Scale)
			if v.Precision == 18 && int(v.Scale) == minorUnits {
				scale = "m"
			}
			typ = fmt.Sprintf("DECIMAL(%d, %s)", v.Precision, scale)
		case *format.IntType:
			typ = fmt.Sprintf("INT%d", v.BitWidth)
		default:
			typ = fmt.Sprintf("%T", v)
		}
		if fld.Optional() {
			typ += ", nullable"
		}
		names, types = append(names, fld.Name()), append(types, typ)
	}
	return names, types
}

// docs/outputs.md documents every column of every table, in the order the
// files hold them, with the Parquet type each is written with.
func TestOutputsDocListsEveryColumn(t *testing.T) {
	dir := t.TempDir()
	job := smallJob(t)
	runInto(t, job, nil, dir)
	for _, table := range []string{"kpi_results", "credits", "comparison", "triggers"} {
		t.Run(table, func(t *testing.T) {
			docNames, docTypes := documentedColumns(docSection(t, outputsDoc, table), job.Rules.Keys)
			names, types := parquetTypes(t, filepath.Join(dir, table+".parquet"), int(job.Rules.MinorUnits))
			require.Equal(t, names, docNames, "the columns of %s.parquet", table)
			require.Equal(t, types, docTypes, "the Parquet types of %s.parquet", table)

			f, err := os.Open(filepath.Join(dir, table+".csv"))
			require.NoError(t, err)
			defer f.Close()
			header, err := csv.NewReader(f).Read()
			require.NoError(t, err)
			require.Equal(t, names, header, "the CSV copy has the Parquet file's columns")
		})
	}
}

// docs/outputs.md documents the reconciliation's columns and the QA
// sample's, of a run with events.
func TestOutputsDocListsEventColumns(t *testing.T) {
	dir := t.TempDir()
	job := smallEventsJob(t)
	runInto(t, job, nil, dir)
	docNames, docTypes := documentedColumns(docSection(t, outputsDoc, "reconciliation"), job.Rules.Keys)
	names, types := parquetTypes(t, filepath.Join(dir, "reconciliation.parquet"), int(job.Rules.MinorUnits))
	require.Equal(t, names, docNames, "the columns of reconciliation.parquet")
	require.Equal(t, types, docTypes, "the Parquet types of reconciliation.parquet")
	require.Equal(t, names, csvHeader(t, filepath.Join(dir, "reconciliation.csv")), "the CSV copy has the Parquet file's columns")

	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| (`[^|]+`|\\*key columns\\*) \\|").FindAllStringSubmatch(docSection(t, outputsDoc, "qa_sample.csv"), -1) {
		if m[1] == "*key columns*" {
			documented = append(documented, job.Rules.Keys...)
			continue
		}
		for _, k := range strings.Split(m[1], ",") {
			documented = append(documented, strings.Trim(strings.TrimSpace(k), "`"))
		}
	}
	require.Equal(t, csvHeader(t, filepath.Join(dir, "qa_sample.csv")), documented, "the columns of qa_sample.csv")
}

// csvHeader returns a CSV file's header row.
func csvHeader(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	header, err := csv.NewReader(f).Read()
	require.NoError(t, err)
	return header
}

// docs/outputs.md documents every key of manifest.json.
func TestOutputsDocListsManifestKeys(t *testing.T) {
	dir := t.TempDir()
	runInto(t, smallEventsJob(t), nil, dir)
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	var documented []string
	for _, row := range regexp.MustCompile("(?m)^\\| (`[^|]+`) \\|").FindAllStringSubmatch(docSection(t, outputsDoc, "manifest.json"), -1) {
		for _, k := range strings.Split(row[1], ",") {
			documented = append(documented, strings.Trim(strings.TrimSpace(k), "`"))
		}
	}
	for k := range m {
		require.True(t, slices.Contains(documented, k), "manifest key %q is documented", k)
	}
	require.Len(t, documented, len(m), "the documented keys are the manifest's")
}

// The example manifest in docs/outputs.md is the bundled example's: each
// hash it abbreviates starts a hash of the example's golden manifest, and
// its data and row counts are the example's.
func TestOutputsDocManifestIsTheExample(t *testing.T) {
	b, err := os.ReadFile("testdata/golden/aasc/manifest.json")
	require.NoError(t, err)
	var golden struct {
		Data json.RawMessage `json:"data"`
		Rows json.RawMessage `json:"rows"`
	}
	require.NoError(t, json.Unmarshal(b, &golden))
	hashes := regexp.MustCompile(`"sha256": "([0-9a-f]{64})"`).FindAllStringSubmatch(string(b), -1)
	section := docSection(t, outputsDoc, "manifest.json")
	prefixes := regexp.MustCompile(`"sha256": "([0-9a-f]+)…"`).FindAllStringSubmatch(section, -1)
	require.NotEmpty(t, prefixes)
	for _, p := range prefixes {
		found := slices.ContainsFunc(hashes, func(h []string) bool { return strings.HasPrefix(h[1], p[1]) })
		require.True(t, found, "docs/outputs.md's manifest hash %s… is none of the example's", p[1])
	}
	for key, want := range map[string]json.RawMessage{"data": golden.Data, "rows": golden.Rows} {
		m := regexp.MustCompile(`"` + key + `": (\{[^}]*\})`).FindStringSubmatch(section)
		require.NotNil(t, m, "docs/outputs.md's manifest has %q", key)
		require.JSONEq(t, string(want), m[1], "docs/outputs.md's manifest %q is the example's", key)
	}
}
