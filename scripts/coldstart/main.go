// Command coldstart measures the desk program's cold start: from starting the binary to the
// first frame of its sign-in screen on a virtual display. It runs Xvfb with its framebuffer in a
// memory-mapped file (-fbdir), starts the program against a data folder that holds a store (so
// the sign-in shows, not the first-run set-up), and reads the framebuffer every millisecond
// until the window's pixels show text: the frame Fyne paints first already holds the whole
// screen. It repeats the start and prints the runs, the median and the best.
//
//	go run ./scripts/coldstart --bin bin/bhxh-desk --data DIR [--runs 7]
//
// The data folder is made with `bhxh init` (scripts/screenshots.sh makes one). Needs Xvfb.
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/bhxh-desk", "the desk program")
	data := flag.String("data", "", "a data folder that holds an office's store")
	runs := flag.Int("runs", 7, "how many starts to measure")
	display := flag.Int("display", 97, "the X display number to use")
	limit := flag.Duration("limit", 500*time.Millisecond, "the target: fail when the median is slower")
	flag.Parse()
	if *data == "" {
		fmt.Fprintln(os.Stderr, "coldstart: --data DIR is required (a folder made by `bhxh init`)")
		os.Exit(2)
	}
	res, err := measure(*bin, *data, *display, *runs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
	for i, d := range res {
		fmt.Printf("run %d: first frame after %d ms\n", i+1, d.Milliseconds())
	}
	sorted := slices.Clone(res)
	slices.Sort(sorted)
	median := sorted[len(sorted)/2]
	fmt.Printf("cold start to the first frame of the sign-in: median %d ms, best %d ms (%d runs, target < %d ms)\n",
		median.Milliseconds(), sorted[0].Milliseconds(), len(res), limit.Milliseconds())
	if median > *limit {
		os.Exit(1)
	}
}

func measure(bin, data string, display, runs int) ([]time.Duration, error) {
	fbdir, err := os.MkdirTemp("", "coldstart-fb-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(fbdir)
	xvfb := exec.Command("Xvfb", ":"+strconv.Itoa(display), "-screen", "0", "1280x800x24", "-fbdir", fbdir, "-nolisten", "tcp")
	if err := xvfb.Start(); err != nil {
		return nil, fmt.Errorf("start Xvfb: %w", err)
	}
	defer func() { _ = xvfb.Process.Kill(); _ = xvfb.Wait() }()
	fb := filepath.Join(fbdir, "Xvfb_screen0")
	for i := 0; ; i++ {
		if _, err := os.Stat(fb); err == nil {
			break
		}
		if i > 500 {
			return nil, errors.New("no framebuffer from Xvfb")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // let the server finish starting
	var out []time.Duration
	for range runs {
		d, err := once(bin, data, display, fb)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// once starts the program, waits for its first frame, and stops it.
func once(bin, data string, display int, fb string) (time.Duration, error) {
	blank, err := pixels(fb)
	if err != nil {
		return 0, err
	}
	home, err := os.MkdirTemp("", "coldstart-home-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(home)
	cmd := exec.Command(bin, "--data", data)
	cmd.Env = append(os.Environ(), "DISPLAY=:"+strconv.Itoa(display), "HOME="+home, "XDG_RUNTIME_DIR="+home)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		<-exited
	}()
	for time.Since(start) < 30*time.Second {
		select {
		case err := <-exited:
			exited <- err
			return 0, fmt.Errorf("the program exited before its first frame (%v): %s", err, logs.String())
		default:
		}
		px, err := pixels(fb)
		if err != nil {
			return 0, err
		}
		if painted(blank, px) {
			return time.Since(start), nil
		}
		time.Sleep(time.Millisecond)
	}
	return 0, fmt.Errorf("no frame within 30 s: %s", logs.String())
}

// pixels reads the 32-bit pixels of an XWD framebuffer file.
func pixels(path string) ([]uint32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 100 {
		return nil, errors.New("framebuffer too short")
	}
	be := binary.BigEndian
	header := be.Uint32(b[0:])
	bpp := be.Uint32(b[44:])
	ncolors := be.Uint32(b[76:])
	if bpp != 32 {
		return nil, fmt.Errorf("framebuffer of %d bits per pixel", bpp)
	}
	data := b[int(header)+int(ncolors)*12:]
	px := make([]uint32, len(data)/4)
	for i := range px {
		px[i] = binary.LittleEndian.Uint32(data[i*4:])
	}
	return px, nil
}

// painted reports whether a window with text has appeared: many pixels changed from the blank
// screen, in more colours than an empty window's background (text is anti-aliased).
func painted(blank, px []uint32) bool {
	changed := 0
	colours := map[uint32]bool{}
	for i := range px {
		if i < len(blank) && px[i] != blank[i] {
			changed++
			if len(colours) < 64 {
				colours[px[i]&0xffffff] = true
			}
		}
	}
	return changed > 10000 && len(colours) >= 32
}
