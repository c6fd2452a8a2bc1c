package output

// LockOutput takes the lock Write takes on dir, for a test to hold.
func LockOutput(dir string) (unlock func(), err error) {
	t, err := resolveTarget(dir, outputNames)
	if err != nil {
		return nil, err
	}
	return t.lock()
}
