package arch

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/kpicredit/kpicredit/"

// allowed lists, for each package of the module, the module's packages it
// may import directly: the layers below it. A package or an import not
// listed fails the test, so a new edge is a decision written down here.
var allowed = map[string][]string{
	"limits":              {},
	"money":               {},
	"fixed":               {},
	"period":              {"limits"},
	"sla":                 {},
	"rules":               {"limits", "money", "period", "sla"},
	"kpi":                 {"fixed", "limits", "rules"},
	"credits":             {"fixed", "money", "rules"},
	"engine":              {"credits", "fixed", "kpi", "rules"},
	"internal/pq":         {"limits", "period"},
	"internal/par":        {},
	"internal/csvin":      {"limits"},
	"internal/golden":     {"internal/pq"},
	"internal/arch":       {},
	"internal/randbook":   {"credits", "engine", "rules"},
	"internal/duckdbtest": {},
	"internal/same":       {},
	"input":               {"internal/csvin", "internal/pq", "kpi", "limits", "rules"},
	"events":              {"internal/csvin", "internal/pq", "kpi", "limits", "rules", "sla"},
	"runner":              {"credits", "engine", "events", "fixed", "input", "internal/par", "kpi", "limits", "money", "rules"},
	"report":              {"fixed", "input", "money", "rules", "runner"},
	"output":              {"credits", "curves", "engine", "events", "fixed", "input", "internal/par", "internal/pq", "kpi", "report", "rules", "runner"},
	"curves":              {"credits", "fixed", "kpi", "money", "rules"},
	"ledger":              {"internal/pq", "limits", "rules"},
	"statement":           {"ledger", "money", "rules"},
	"closing":             {"ledger", "money", "period", "rules", "runner", "statement"},
	"cmd/kpicredit":       {"closing", "curves", "input", "ledger", "money", "output", "period", "rules", "runner", "serve", "statement"},
	"serve":               {"kpi", "limits", "money", "report", "rules", "runner"},
	"examples/aasc":       {"internal/pq", "rules", "sla"},
	"examples/aasc/gen":   {"examples/aasc", "rules"},
	"examples/library":    {"engine", "input", "kpi", "rules"},
}

// lean are the packages a service embedding the engine imports; none may
// pull in, even indirectly, file formats, databases or reports.
var lean = []string{"limits", "money", "fixed", "period", "rules", "kpi", "credits", "engine", "sla"}

var heavy = []string{
	"github.com/parquet-go/parquet-go", "github.com/klauspost/compress/zstd", "github.com/xuri/excelize/v2",
	"modernc.org/sqlite", "html/template", "database/sql",
	module + "internal/pq", module + "input", module + "runner", module + "report", module + "output",
	module + "ledger", module + "statement",
}

func goList(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	require.NoError(t, err, "go list %v", args)
	return string(out)
}

func TestImportsFollowTheLayers(t *testing.T) {
	lines := goList(t, "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"...")
	for _, line := range strings.Split(strings.TrimSpace(lines), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module)
		want, ok := allowed[pkg]
		if !assert.True(t, ok, "package %s is not in the architecture's table (internal/arch/arch_test.go)", pkg) {
			continue
		}
		for _, imp := range fields[1:] {
			if dep, ok := strings.CutPrefix(imp, module); ok {
				assert.True(t, slices.Contains(want, dep), "%s imports %s, which is not a layer below it", pkg, dep)
			}
		}
	}
}

func TestTheEngineIsLean(t *testing.T) {
	for _, pkg := range lean {
		deps := strings.Fields(goList(t, "-deps", module+pkg))
		for _, h := range heavy {
			assert.NotContains(t, deps, h, "%s depends on %s", pkg, h)
		}
	}
}

// testOnly are modules only tests may use: the browser driver of the
// what-if page's test. No package's build may pull them in.
var testOnly = []string{"github.com/chromedp/"}

func TestTestOnlyModulesStayInTests(t *testing.T) {
	deps := strings.Fields(goList(t, "-deps", module+"..."))
	require.NotEmpty(t, deps)
	for _, d := range deps {
		for _, m := range testOnly {
			assert.False(t, strings.HasPrefix(d, m), "a package of the module depends on %s", d)
		}
	}
	withTests := goList(t, "-deps", "-test", module+"cmd/kpicredit")
	assert.Contains(t, withTests, "github.com/chromedp/chromedp", "the browser test uses it")
}
