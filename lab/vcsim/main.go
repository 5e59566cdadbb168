// vcsim for Berth's integration tests: govmomi's vCenter simulator (Debian's
// golang-github-vmware-govmomi-dev ships the library, not the command) with
// the VPX inventory, one fixed login and a control endpoint that makes
// a SOAP method stall after start. Run by lab/vcsim/vcsim; see its header.
//
// Inventory: simulator.VPX() without its distributed switch, as the simulator's finder lists it:
//
//	datacenter  /DC0
//	vm folder   /DC0/vm: DC0_H0_VM0, DC0_H0_VM1, DC0_C0_RP0_VM0, DC0_C0_RP0_VM1 (all powered on)
//	cluster     /DC0/host/DC0_C0, hosts DC0_C0_H0..H2, root pool /DC0/host/DC0_C0/Resources (the DC0_C0_* VMs)
//	host        /DC0/host/DC0_H0 (standalone), root pool /DC0/host/DC0_H0/Resources (the DC0_H0_* VMs)
//	datastore   /DC0/datastore/LocalDS_0, a temp dir under $TMPDIR (its moref value is that dir's path)
//	network     /DC0/network/VM Network, the VMs' NICs' network
package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to serve /sdk and /berth/delay on (plain http)")
	username := flag.String("username", "berth", "the one user Login accepts")
	passwordFile := flag.String("password-file", "", "file holding the one password Login accepts (required)")
	envFile := flag.String("env", "", "once listening, write VCSIM_URL= and VCSIM_PID= lines to this file")
	flag.Parse()
	log.SetPrefix("vcsim: ")

	// The password comes from a file so it shows in no process list; it is never logged.
	if *passwordFile == "" {
		log.Fatal("-password-file is required")
	}
	raw, err := ioutil.ReadFile(*passwordFile)
	if err != nil {
		log.Fatalf("reading the password file: %v", err)
	}
	password := strings.TrimRight(string(raw), "\r\n")
	if password == "" || *username == "" {
		log.Fatal("the username and the password must not be empty")
	}

	model := simulator.VPX()
	// No distributed switch: the VMs' NICs are then on the standard "VM Network", the one network to name.
	model.Portgroup = 0
	if err := model.Create(); err != nil {
		log.Fatalf("creating the inventory: %v", err)
	}
	// The datastore's temp dir goes when we exit (the script also runs us with TMPDIR inside its dir).
	defer model.Remove()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		model.Remove()
		log.Fatalf("listen %s: %v", *listen, err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	hostPort := net.JoinHostPort(host, strconv.Itoa(addr.Port))

	// NewServer fills Service.ServeMux (/sdk and friends) and starts a server of its own on a port it picks.
	// Its *http.ServeMux cannot take a wrapper for /sdk and its http.Server's handler cannot be swapped once it
	// serves, so we close that server right away and serve the same mux on our listener behind our delays.
	// With Listen.User set, Login accepts exactly this user and password (SessionManager.validLogin).
	svc := model.Service
	svc.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(*username, password)}
	own := svc.NewServer()
	own.Close()
	// What NewServer recorded of its own address (URLs the simulator hands out) now names ours; no request has
	// been served yet, so these writes race with nothing.
	svc.Listen.Host = hostPort
	simulator.Map.SessionManager().ServiceHostName = hostPort
	for _, o := range simulator.Map.OptionManager().Setting {
		if v := o.GetOptionValue(); v.Key == "vcsim.server.url" {
			v.Value = "http://" + hostPort + "/sdk"
		}
	}

	d := &delays{ms: map[string]int{}, stalled: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/berth/delay", d.control)
	mux.HandleFunc("/berth/calls", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		n := d.calls
		d.mu.Unlock()
		_, _ = fmt.Fprintf(w, "%d\n", n)
	})
	mux.Handle("/", d.wrap(svc.ServeMux))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if *envFile != "" {
		env := fmt.Sprintf("VCSIM_URL=http://%s/sdk\nVCSIM_PID=%d\n", hostPort, os.Getpid())
		if err := writeAtomically(*envFile, env); err != nil {
			_ = srv.Close()
			model.Remove()
			log.Fatalf("writing %s: %v", *envFile, err)
		}
	}
	log.Printf("serving http://%s/sdk (user %s)", hostPort, *username)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case sig := <-stop:
		log.Printf("%s: shutting down", sig)
	case err := <-served:
		log.Printf("serve: %v", err)
	}
	// Calls in flight (a stalled one included) get a bounded grace, then their connections are cut.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		_ = srv.Close()
	}
}

// delays holds the per-method stalls set through /berth/delay. The simulator's own DelayConfig.MethodDelay is
// read by every SOAP call without a lock (simulator.go, Service.call), so it cannot be changed while serving
// without a data race; ours sits in front of the simulator, guarded by a mutex.
type delays struct {
	mu      sync.Mutex
	ms      map[string]int
	stalled map[string]int // calls of each method in their stall now: a test kills its client mid-call by it
	calls   int            // SOAP calls served so far, for benchmarks (GET /berth/calls)
}

var methodName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// control: POST /berth/delay?method=CloneVM_Task&ms=5000 stalls every later call of that method by 5 s
// before the simulator sees it (ms=0 clears it); GET lists the delays set, one "method ms stalled-now" a line.
func (d *delays) control(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		d.mu.Lock()
		var lines []string
		for m, ms := range d.ms {
			lines = append(lines, fmt.Sprintf("%s %d %d\n", m, ms, d.stalled[m]))
		}
		d.mu.Unlock()
		sort.Strings(lines)
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, strings.Join(lines, ""))
	case http.MethodPost:
		method := r.URL.Query().Get("method")
		ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if !methodName.MatchString(method) || err != nil || ms < 0 || ms > 3600000 {
			http.Error(w, "want ?method=SoapMethod&ms=0..3600000", http.StatusBadRequest)
			return
		}
		d.mu.Lock()
		if ms == 0 {
			delete(d.ms, method)
		} else {
			d.ms[method] = ms
		}
		d.mu.Unlock()
		log.Printf("delay %s: %d ms", method, ms)
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "GET or POST", http.StatusMethodNotAllowed)
	}
}

// wrap stalls a SOAP call whose method has a delay, then hands it on. Like the simulator's own delay the call
// runs after the stall even if its client gave up meanwhile: a slow vCenter still does what it was asked.
func (d *delays) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		armed := len(d.ms) > 0
		if strings.HasPrefix(r.URL.Path, "/sdk") {
			d.calls++
		}
		d.mu.Unlock()
		if armed && r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/sdk") {
			body, err := ioutil.ReadAll(io.LimitReader(r.Body, 64<<20))
			_ = r.Body.Close()
			if err != nil {
				http.Error(w, "reading the request", http.StatusBadRequest)
				return
			}
			r.Body = ioutil.NopCloser(bytes.NewReader(body))
			method := soapMethod(body)
			d.mu.Lock()
			ms := d.ms[method]
			d.stalled[method]++
			d.mu.Unlock()
			time.Sleep(time.Duration(ms) * time.Millisecond)
			d.mu.Lock()
			d.stalled[method]--
			d.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// soapMethod is the name of the first element inside the SOAP Body (e.g. CloneVM_Task), or "".
func soapMethod(body []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if start, ok := tok.(xml.StartElement); ok {
			if inBody {
				return start.Name.Local
			}
			inBody = start.Name.Local == "Body"
		}
	}
}

// writeAtomically writes a file that readers see whole or not at all: a temp file in the same dir, renamed.
func writeAtomically(path, content string) error {
	tmp, err := ioutil.TempFile(filepath.Dir(path), "."+filepath.Base(path)+".")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.WriteString(content); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
