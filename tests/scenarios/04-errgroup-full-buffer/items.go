package main

import (
	"errors"
	"fmt"
	"hash/crc32"
	"log"
	"time"
)

// Item is one image to thumbnail.
type Item struct {
	Key  string
	Data []byte
}

// Result is one thumbnail's checksum.
type Result struct {
	Key string
	CRC uint32
}

var errCorrupt = errors.New("corrupt image")

// processItem "renders" one thumbnail; an image without data fails.
func processItem(it Item) (Result, error) {
	time.Sleep(2 * time.Millisecond)
	if len(it.Data) == 0 {
		return Result{}, fmt.Errorf("%s: %w", it.Key, errCorrupt)
	}
	return Result{Key: it.Key, CRC: crc32.ChecksumIEEE(it.Data)}, nil
}

// catalogue builds n items; item 77 has no data.
func catalogue(n int) []Item {
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{Key: fmt.Sprintf("img/%04d.jpg", i), Data: []byte(fmt.Sprintf("pixels-%d", i))}
	}
	items[77].Data = nil
	return items
}

// runJob is the caller: it would log the job's error, if process returned.
func runJob(items []Item) {
	if err := process(items); err != nil {
		log.Printf("thumbnail job failed: %v", err)
	}
}

// pause sleeps for s seconds.
func pause(s int) { time.Sleep(time.Duration(s) * time.Second) }
