//go:build !race

package main

const raceMode = "off"
