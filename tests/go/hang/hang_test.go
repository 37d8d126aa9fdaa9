package hang

import "testing"

func TestQuick(t *testing.T) {}

func TestHang(t *testing.T) {
	go Fetch(make(chan string))
	t.Run("waits", func(t *testing.T) {
		WaitReady(make(chan struct{}))
	})
}
