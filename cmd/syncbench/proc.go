//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// proc is a child process started inside a network namespace with `ip netns exec`, its stderr
// (and, for servers, stdout) in a log file of the work folder.
type proc struct {
	name string
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	log  string
	done chan error
}

// startProc starts args inside namespace ns. A server (ready != "") has its output logged and
// startProc waits until a line containing ready appears; a worker keeps stdin and stdout as its
// command channel.
func startProc(ctx context.Context, work, name, ns string, env []string, ready string, args ...string) (*proc, error) {
	logPath := filepath.Join(work, name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	// Whatever a child writes beside itself stays in the work folder (pouchdb-server writes
	// ./log.txt and watches it).
	cmd.Dir = work
	// `ip netns exec` execs the program, so the signal reaches it; the child dies with the
	// runner whatever happens to the runner.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Stderr = logf
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan error, 1)}
	var stdout io.ReadCloser
	if ready == "" {
		if p.in, err = cmd.StdinPipe(); err != nil {
			return nil, err
		}
		if stdout, err = cmd.StdoutPipe(); err != nil {
			return nil, err
		}
		p.out = bufio.NewScanner(stdout)
		p.out.Buffer(make([]byte, 1<<20), 1<<20)
	} else {
		cmd.Stdout = logf
	}
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	exited := make(chan struct{})
	go func() {
		err := cmd.Wait()
		close(exited)
		p.done <- err
		_ = logf.Close()
	}()
	// Interrupted (Ctrl-C, make killed): the child goes at once, so that the runner's pending
	// command fails and the link is closed.
	go func() {
		select {
		case <-ctx.Done():
			_ = cmd.Process.Kill()
		case <-exited:
		}
	}()
	if ready == "" {
		return p, nil
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if b, _ := os.ReadFile(logPath); strings.Contains(string(b), ready) {
			return p, nil
		}
		select {
		case err := <-p.done:
			p.done <- err
			return nil, fmt.Errorf("%s ended before it was ready (%v); see %s", name, err, logPath)
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	p.stop()
	return nil, fmt.Errorf("%s not ready after 60 s; see %s", name, logPath)
}

// do sends a worker one command and reads its answer.
func (p *proc) do(c command) (answer, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return answer{}, err
	}
	if _, err := p.in.Write(append(b, '\n')); err != nil {
		return answer{}, fmt.Errorf("%s: %w; see %s", p.name, err, p.log)
	}
	if !p.out.Scan() {
		err := p.out.Err()
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return answer{}, fmt.Errorf("%s: %w; see %s", p.name, err, p.log)
	}
	var a answer
	if err := json.Unmarshal(p.out.Bytes(), &a); err != nil {
		return answer{}, fmt.Errorf("%s answered %q: %w", p.name, p.out.Text(), err)
	}
	if !a.OK {
		return a, fmt.Errorf("%s %s: %s", p.name, c.Cmd, a.Error)
	}
	return a, nil
}

// stop ends the process: a worker is asked to quit, a server gets SIGTERM; either is killed
// after 15 s.
func (p *proc) stop() error {
	if p.in != nil {
		_, _ = p.in.Write([]byte(`{"cmd":"quit"}` + "\n"))
		_ = p.in.Close()
	} else {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case err := <-p.done:
		p.done <- err
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ProcessState.Sys().(syscall.WaitStatus).Signaled() {
			return nil // ended by our signal
		}
		return err
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		return fmt.Errorf("%s did not stop; killed", p.name)
	}
}
