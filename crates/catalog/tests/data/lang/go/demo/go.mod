module example.com/drydock-demo

go 1.19

require golang.org/x/text v0.7.0
