// Hand-written for drydock after the go.mod reference (go.dev/ref/mod#go-mod-file, go 1.21).
module example.com/replaced

go 1.21

toolchain go1.21.5

require (
	github.com/gorilla/mux v1.8.0
	github.com/sirupsen/logrus v1.9.0 // indirect
	"golang.org/x/net" v0.17.0
	golang.org/x/sys v0.13.0 // indirect; needed by x/net
	example.com/internal/lib v0.0.0-00010101000000-000000000000
)

require gopkg.in/yaml.v3 v3.0.1

exclude golang.org/x/net v0.16.0

replace github.com/sirupsen/logrus v1.9.0 => github.com/example/logrus v1.9.1-fix

replace (
	golang.org/x/net => golang.org/x/net v0.19.0
	example.com/internal/lib => ../lib
)

retract v0.1.0 // published by mistake
