// Command pulumi-language-nodejs is the project's own Node.js language host for the offline
// real-engine test (engine/README.md). The Go module proxy reachable here does not serve
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 at any version, so the real
// CLI is given this small host instead: it speaks the CLI's LanguageRuntime gRPC protocol and runs
// the programs exactly as the real host does, through the Node.js SDK's own entry points
// (@pulumi/pulumi/cmd/run for the program, @pulumi/pulumi/cmd/run-policy-pack for the policy
// pack), so TypeScript loading, config, secrets and the resource monitor are the SDK's.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The Node.js SDK exits with 32 after it has printed a user-actionable message itself; the host
// then tells the engine to bail out without adding a generic error (as the real host does).
const exitAfterLoggingUserActionableMessage = 32

// version is set at build time (engine/build.sh) to the CLI version it is built beside.
var version = "0.0.0"

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	mu         sync.Mutex
	engineAddr string
	version    string
}

func (h *languageHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddr
}

func (h *languageHost) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddr = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: h.version}, nil
}

// Plugins are installed ahead of the run (engine/build.sh) and loaded when the program registers
// its first resource of each package, so none is announced here.
func (h *languageHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *languageHost) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *languageHost) InstallDependencies(_ *pulumirpc.InstallDependenciesRequest, _ pulumirpc.LanguageRuntime_InstallDependenciesServer) error {
	return nil
}

// resolveSdkEntry finds an @pulumi/pulumi entry point the way Node resolves it from dir, so the
// program runs with the SDK version it depends on.
func resolveSdkEntry(dir, module string) (string, error) {
	out, err := exec.Command("node", "-e",
		"process.stdout.write(require.resolve(process.argv[1], { paths: [process.argv[2]] }))",
		module, dir).Output()
	if err != nil {
		return "", fmt.Errorf("cannot find %s from %s (is npm ci done?): %w", module, dir, err)
	}
	return string(out), nil
}

func runtimeOptionEnv(info *pulumirpc.ProgramInfo) []string {
	env := []string{}
	typescript := true // the real host's default
	if opts := info.GetOptions(); opts != nil {
		if v, ok := opts.GetFields()["typescript"]; ok {
			typescript = v.GetBoolValue()
		}
		if v, ok := opts.GetFields()["tsconfig"]; ok && v.GetStringValue() != "" {
			env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+v.GetStringValue())
		}
	}
	return append(env, "PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(typescript))
}

func exitCode(err error) (int, bool) {
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), true
	}
	return 0, false
}

func (h *languageHost) Run(_ context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	program := entry
	if entry != "." {
		program = filepath.Join(programDir, entry)
	}
	runPath, err := resolveSdkEntry(programDir, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	args := []string{runPath,
		"--monitor=" + req.GetMonitorAddress(),
		"--engine=" + h.engine(),
		"--organization=" + req.GetOrganization(),
		"--project=" + req.GetProject(),
		"--stack=" + req.GetStack(),
		"--pwd=" + req.GetPwd(),
		"--root-directory=" + info.GetRootDirectory(),
		"--parallel=" + strconv.Itoa(int(req.GetParallel())),
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(req.GetConfigSecretKeys())
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	cmd.Env = append(cmd.Env, runtimeOptionEnv(info)...)
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		code, exited := exitCode(err)
		if !exited {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
		if code == exitAfterLoggingUserActionableMessage {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// streamWriter forwards a plugin's output to the engine as RunPlugin messages.
type streamWriter struct {
	mu     *sync.Mutex
	server pulumirpc.LanguageRuntime_RunPluginServer
	stderr bool
}

func (w streamWriter) Write(p []byte) (int, error) {
	chunk := append([]byte(nil), p...)
	w.mu.Lock()
	defer w.mu.Unlock()
	var msg *pulumirpc.RunPluginResponse
	if w.stderr {
		msg = &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: chunk}}
	} else {
		msg = &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: chunk}}
	}
	if err := w.server.Send(msg); err != nil {
		return 0, err
	}
	return len(p), nil
}

// RunPlugin runs a Node.js plugin; the CLI uses it for policy packs (a directory with a
// PulumiPolicy.yaml whose runtime is nodejs), launched by the SDK's run-policy-pack.
func (h *languageHost) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	programDir := req.GetInfo().GetProgramDirectory()
	var entry string
	switch req.GetKind() {
	case "analyzer":
		entry = "@pulumi/pulumi/cmd/run-policy-pack"
	default:
		entry = "@pulumi/pulumi/cmd/run-plugin"
	}
	runPath, err := resolveSdkEntry(programDir, entry)
	if err != nil {
		return err
	}
	args := append([]string{runPath}, req.GetArgs()...)
	args = append(args, programDir)
	cmd := exec.Command("node", args...)
	cmd.Dir = programDir
	cmd.Env = append(append([]string{}, req.GetEnv()...), runtimeOptionEnv(req.GetInfo())...)
	var mu sync.Mutex
	cmd.Stdout = streamWriter{mu: &mu, server: server}
	cmd.Stderr = streamWriter{mu: &mu, server: server, stderr: true}
	code := 0
	if err := cmd.Run(); err != nil {
		exitedCode, exited := exitCode(err)
		if !exited {
			return err
		}
		code = exitedCode
	}
	mu.Lock()
	defer mu.Unlock()
	return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

func main() {
	host := &languageHost{version: version}
	// The engine's address is the last positional argument; flags (tracing, logging) come first.
	for _, arg := range os.Args[1:] {
		if !strings.HasPrefix(arg, "-") {
			host.engineAddr = arg
		}
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: cannot listen: %v\n", err)
		os.Exit(1)
	}
	server := grpc.NewServer(grpc.MaxRecvMsgSize(400 * 1024 * 1024))
	pulumirpc.RegisterLanguageRuntimeServer(server, host)
	// The CLI reads the port from the first line of standard output.
	fmt.Printf("%d\n", listener.Addr().(*net.TCPAddr).Port)
	if err := server.Serve(listener); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}
