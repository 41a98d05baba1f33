package main

test_ignored if { true }
