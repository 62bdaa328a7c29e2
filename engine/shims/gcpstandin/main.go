// Command pulumi-resource-gcp is the project's stand-in for the GCP provider in the offline
// real-engine test (engine/README.md). The Go module proxy reachable here serves neither
// github.com/pulumi/pulumi-gcp/provider/v9 nor the terraform-provider-google-beta module it is
// built from, so the real GCP provider cannot be built on this machine. The stand-in lets the
// real CLI run everything else (config and secrets, the StackReference, protect, parenting, the
// Kubernetes provider, the policy pack, the --json document): it accepts every input as it is,
// previews creations only, and refuses anything that would touch GCP. It checks nothing of what
// the real provider checks; the test output says so.
//
// For `npm run test:cluster` (a real `pulumi up` against a local Kubernetes control plane) the
// test names a JSON file in RELAY_BUDGET_GCP_STANDIN_APPLY: {"outputs": {"<type token>": {...}}}.
// Then the stand-in also creates, updates, reads and deletes, keeping nothing but the engine's own
// state: a resource's outputs are its inputs with the file's outputs for its type laid over them
// (the GKE cluster's endpoint and CA, pointing at the local API server), and a read returns the
// state as it is (GCP itself is never seen, so no GCP drift is ever found).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// version is set at build time (engine/build.sh) to the plugin version @pulumi/gcp asks for.
var version = "0.0.0"

var errOffline = errors.New("the GCP stand-in provider only previews creations; it cannot read, create, update or delete GCP resources")

type standIn struct {
	pulumirpc.UnimplementedResourceProviderServer
	// apply: outputs by type token when RELAY_BUDGET_GCP_STANDIN_APPLY names a file; nil: preview only.
	apply map[string]map[string]interface{}
}

// applyOutputs reads the outputs file RELAY_BUDGET_GCP_STANDIN_APPLY names, or nil when unset.
func applyOutputs() (map[string]map[string]interface{}, error) {
	file := os.Getenv("RELAY_BUDGET_GCP_STANDIN_APPLY")
	if file == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("RELAY_BUDGET_GCP_STANDIN_APPLY: %w", err)
	}
	var doc struct {
		Outputs map[string]map[string]interface{} `json:"outputs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: not an outputs document: %w", file, err)
	}
	if doc.Outputs == nil {
		doc.Outputs = map[string]map[string]interface{}{}
	}
	return doc.Outputs, nil
}

// urnParts: the resource's type token and name from its URN (urn:pulumi:stack::project::parent$type::name).
func urnParts(urn string) (string, string) {
	parts := strings.SplitN(urn, "::", 4)
	if len(parts) < 4 {
		return "", urn
	}
	typ := parts[2]
	if i := strings.LastIndex(typ, "$"); i >= 0 {
		typ = typ[i+1:]
	}
	return typ, parts[3]
}

// withOutputs: the inputs with the configured outputs of the resource's type laid over them.
func (s standIn) withOutputs(urn string, inputs *structpb.Struct) (*structpb.Struct, error) {
	typ, _ := urnParts(urn)
	extra, ok := s.apply[typ]
	if !ok {
		return inputs, nil
	}
	out := proto.Clone(inputs).(*structpb.Struct)
	if out == nil || out.Fields == nil {
		out = &structpb.Struct{Fields: map[string]*structpb.Value{}}
	}
	for key, value := range extra {
		v, err := structpb.NewValue(value)
		if err != nil {
			return nil, fmt.Errorf("output %s of %s: %w", key, typ, err)
		}
		out.Fields[key] = v
	}
	return out, nil
}

func (standIn) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (standIn) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (standIn) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (standIn) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, AcceptResources: true, SupportsPreview: true}, nil
}

func (standIn) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (standIn) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	// Outputs carry what the apply mode laid over the inputs: compare inputs with inputs when known.
	olds := req.GetOlds()
	if req.GetOldInputs() != nil {
		olds = req.GetOldInputs()
	}
	if proto.Equal(olds, req.GetNews()) {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME}, nil
}

// Create in a preview returns the inputs as the planned outputs (what the engine itself does for
// a provider without preview support), with no id.
func (s standIn) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if s.apply == nil {
		if !req.GetPreview() {
			return nil, errOffline
		}
		return &pulumirpc.CreateResponse{Properties: req.GetProperties()}, nil
	}
	props, err := s.withOutputs(req.GetUrn(), req.GetProperties())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		return &pulumirpc.CreateResponse{Properties: props}, nil
	}
	_, name := urnParts(req.GetUrn())
	return &pulumirpc.CreateResponse{Id: "standin-" + name, Properties: props}, nil
}

func (s standIn) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	if s.apply == nil {
		if !req.GetPreview() {
			return nil, errOffline
		}
		return &pulumirpc.UpdateResponse{Properties: req.GetNews()}, nil
	}
	props, err := s.withOutputs(req.GetUrn(), req.GetNews())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

func (s standIn) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if s.apply == nil {
		return nil, errOffline
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (s standIn) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	if s.apply == nil {
		return nil, errOffline
	}
	return &emptypb.Empty{}, nil
}

func (standIn) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func main() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-gcp (stand-in): cannot listen: %v\n", err)
		os.Exit(1)
	}
	apply, err := applyOutputs()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-gcp (stand-in): %v\n", err)
		os.Exit(1)
	}
	server := grpc.NewServer(grpc.MaxRecvMsgSize(400 * 1024 * 1024))
	pulumirpc.RegisterResourceProviderServer(server, standIn{apply: apply})
	// The CLI reads the port from the first line of standard output.
	fmt.Printf("%d\n", listener.Addr().(*net.TCPAddr).Port)
	if err := server.Serve(listener); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-gcp (stand-in): %v\n", err)
		os.Exit(1)
	}
}
