// The sandbox in a container calls a receiver in this test process back.
//
//	go mod tidy
//	CHINAUMS_MOCK_IMAGE=chinaums-mock:latest go test ./...
//
// WithHostPortAccess opens an SSH tunnel to this process from a container of the
// testcontainers/sshd image: the sandbox reaches the receiver as host.testcontainers.internal,
// with Docker Desktop, a remote Docker or Podman alike.
package sandbox_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// No image is published: build one from the sandbox's Dockerfile and name it here.
func image() string {
	if name := os.Getenv("CHINAUMS_MOCK_IMAGE"); name != "" {
		return name
	}
	return "ghcr.io/your-org/chinaums-mock:0.2.0"
}

func TestPayScoreAuthorisationReachesTheMerchant(t *testing.T) {
	// Loopback is enough: the tunnel connects to localhost on this machine.
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	received := make(chan url.Values, 16)
	receiver := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err == nil && r.URL.Path == "/notify" {
			received <- r.PostForm
		}
		io.WriteString(w, "SUCCESS") // anything else makes the sandbox retry
	})}
	go receiver.Serve(listener)
	t.Cleanup(func() { receiver.Close() })
	port := listener.Addr().(*net.TCPAddr).Port

	ctx := t.Context()
	sandbox, err := testcontainers.Run(ctx, image(),
		testcontainers.WithExposedPorts("8080/tcp"),
		testcontainers.WithHostPortAccess(port), // before the start, by construction
		testcontainers.WithWaitStrategy(wait.ForHTTP("/__mock/health").WithPort("8080/tcp")),
	)
	testcontainers.CleanupContainer(t, sandbox)
	if err != nil {
		t.Fatal(err)
	}
	// Through the published port the control API is reached by address: no --allow-host.
	baseURL, err := sandbox.PortEndpoint(ctx, "8080/tcp", "http")
	if err != nil {
		t.Fatal(err)
	}

	var app struct{ AppID string }
	call(t, baseURL, "POST", "/__mock/apps", map[string]string{
		"name":        "testcontainers",
		"callbackUrl": fmt.Sprintf("http://host.testcontainers.internal:%d/notify", port),
	}, &app)

	var opened struct{ Notification struct{ ID string } }
	call(t, baseURL, "POST", "/__mock/payscore/open", map[string]string{"appId": app.AppID}, &opened)
	id := opened.Notification.ID
	// 200 once the receiver has answered SUCCESS; 408 with every attempt made otherwise.
	call(t, baseURL, "GET", "/__mock/notifications/"+id+"/wait?status=delivered&timeoutMs=10000", nil, nil)

	select {
	case form := <-received:
		if form.Get("id") != id {
			t.Errorf("id = %q, want %q", form.Get("id"), id)
		}
		if got := form.Get("eventType"); got != "PAYSCORE.USER_OPEN_SERVICE" {
			t.Errorf("eventType = %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the receiver got no notification")
	}
}

func call(t *testing.T, baseURL, method, path string, body, answer any) {
	t.Helper()
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		reader = bytes.NewReader(encoded)
	}
	request, err := http.NewRequestWithContext(t.Context(), method, baseURL+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	request.Header.Set("Content-Type", "application/json")
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	text, err := io.ReadAll(response.Body)
	if err != nil {
		t.Fatal(err)
	}
	// The control API explains itself; a failed wait carries the delivery attempts.
	if response.StatusCode/100 != 2 {
		t.Fatalf("%s %s: HTTP %d: %s", method, path, response.StatusCode, text)
	}
	if answer != nil {
		if err := json.Unmarshal(text, answer); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, text)
		}
	}
}
