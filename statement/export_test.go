package statement

// MoneyFormat exposes moneyFormat to the tests.
var MoneyFormat = moneyFormat
