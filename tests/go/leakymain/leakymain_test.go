package leakymain

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestSubscribe(t *testing.T) {
	Subscribe(make(chan string))
}

func TestNothing(t *testing.T) {}
