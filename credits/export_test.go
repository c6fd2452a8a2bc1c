package credits

// PriceInDecimals makes the lot price every month in decimals, as it does
// when a figure does not fit in fixed point, so that tests can compare
// the two paths.
func PriceInDecimals(l *Lot) { l.decimal = true }
