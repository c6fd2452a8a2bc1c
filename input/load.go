package input

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
)

// LoadData reads a data file: Parquet when its name ends in .parquet,
// CSV otherwise. A file larger than limits.MaxFileBytes is rejected
// before it is read.
func LoadData(rb *rules.Rulebook, path string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &os.PathError{Op: "read", Path: path, Err: syscall.EISDIR}
	}
	if st.Size() > limits.MaxFileBytes {
		return nil, place(path, 0, 0, "", false, fmt.Sprintf("the file is larger than %d bytes (256 MiB)", limits.MaxFileBytes))
	}
	if !strings.HasSuffix(strings.ToLower(path), ".parquet") {
		return ReadCSV(rb, path, f)
	}
	return ReadParquet(rb, path, f, st.Size())
}

// ReadParquet reads monthly data from a Parquet file with the same columns
// as the CSV form; name is used in messages. The file is read within the
// limits of package limits.
func ReadParquet(rb *rules.Rulebook, name string, r io.ReaderAt, size int64) (*Dataset, error) {
	t := newTable(rb, name, true)
	err := pq.ReadTable(r, size, func(h []string) error {
		return t.header(0, h)
	}, func(n int64, cells []string) error {
		return t.row(int(n), cells)
	})
	var le *pq.LimitError
	var placed *rules.Problem
	switch {
	case err == nil:
	case errors.As(err, &placed): // from header or row
		return nil, err
	case errors.As(err, &le):
		return nil, place(name, int(le.Row), 0, le.Column, true, le.Msg)
	default:
		return nil, place(name, 0, 0, "", true, err.Error())
	}
	return t.finish()
}
