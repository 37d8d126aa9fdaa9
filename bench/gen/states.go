package main

import (
	"bytes"
	"strings"
)

// countStates counts the goroutines of a debug=2 text by status: the text
// between the brackets of each header, without ", N minutes" (", locked to
// thread" is kept).
func countStates(text []byte) map[string]int {
	states := map[string]int{}
	header := []byte("goroutine ")
	for pos := 0; pos < len(text); {
		// A header starts the text or follows a blank line.
		if bytes.HasPrefix(text[pos:], header) {
			line := text[pos:]
			if i := bytes.IndexByte(line, '\n'); i >= 0 {
				line = line[:i]
			}
			if open, end := bytes.IndexByte(line, '['), bytes.LastIndexByte(line, ']'); open >= 0 && end > open {
				states[normalizeStatus(string(line[open+1:end]))]++
			}
		}
		i := bytes.Index(text[pos:], []byte("\n\n"))
		if i < 0 {
			break
		}
		pos += i + 2
	}
	return states
}

// normalizeStatus drops the ", N minutes" part of a status.
func normalizeStatus(s string) string {
	if !strings.Contains(s, " minutes") {
		return s
	}
	var keep []string
	for _, part := range strings.Split(s, ", ") {
		if !strings.HasSuffix(part, " minutes") {
			keep = append(keep, part)
		}
	}
	return strings.Join(keep, ", ")
}
