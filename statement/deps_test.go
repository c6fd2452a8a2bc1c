package statement_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The engine does not import the close, nor the ledger the workbook
// library: each package depends only on what it needs.
func TestDependencies(t *testing.T) {
	tests := []struct {
		pkg    string
		forbid []string
	}{
		{"ledger", []string{"github.com/xuri/excelize/v2", "github.com/kpicredit/kpicredit/statement"}},
		{"rules", []string{"ledger", "statement", "modernc.org/sqlite", "github.com/xuri/excelize/v2"}},
		{"kpi", []string{"ledger", "statement", "modernc.org/sqlite", "github.com/xuri/excelize/v2"}},
		{"credits", []string{"ledger", "statement", "modernc.org/sqlite", "github.com/xuri/excelize/v2"}},
	}
	for _, tt := range tests {
		out, err := exec.Command("go", "list", "-deps", "github.com/kpicredit/kpicredit/"+tt.pkg).Output()
		require.NoError(t, err, tt.pkg)
		deps := strings.Fields(string(out))
		for _, f := range tt.forbid {
			if !strings.Contains(f, ".") {
				f = "github.com/kpicredit/kpicredit/" + f
			}
			assert.NotContains(t, deps, f, "%s imports %s", tt.pkg, f)
		}
	}
}
