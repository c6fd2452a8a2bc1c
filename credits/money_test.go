package credits_test

import (
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/stretchr/testify/require"
)

func TestMeasure(t *testing.T) {
	require.Equal(t, "0.9615", credits.Measure(d("0.9615384615384615"), d("0.98")))
	require.Equal(t, "0.98", credits.Measure(d("0.98"), d("0.98")))
	// 4 places would show 0.9800 beside a target of 0.98; more tell them apart.
	require.Equal(t, "0.97999", credits.Measure(d("0.979991"), d("0.98")))
}
