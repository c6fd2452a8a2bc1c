module github.com/kpicredit/kpicredit

go 1.26

require (
	github.com/expr-lang/expr v1.17.8
	github.com/shopspring/decimal v1.6.0
	go.yaml.in/yaml/v3 v3.0.6
)

require github.com/stretchr/testify v1.12.1
