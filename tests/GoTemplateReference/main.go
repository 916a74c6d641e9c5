// Command gotemplatereference renders hook templates with Go's text/template and sprig, the
// implementation Stash uses, so the C# interpreter can be compared with it byte for byte.
//
// Input (stdin): {"now": <unix nanoseconds>, "cases": [{"name", "template", "data"}]}.
// Output (stdout): one JSON array, one {"ok", "output", "error", "parseError"} per case, in order.
// Build in GOPATH mode: GO111MODULE=off GOPATH=/usr/share/gocode go build -o ref .
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"text/template"
	"time"

	"github.com/Masterminds/sprig"
)

// The hook data, shaped as Stash's: fields of structs, so an unknown field fails when executing.
type Invoker struct{ Kind, Name string }
type Target struct{ Kind, Name, Namespace, APIVersion string }
type Status struct{ Phase, Duration, Error string }
type Data struct {
	Name      string
	Namespace string
	Invoker   Invoker
	Target    Target
	Status    Status
	Hostname  string
}

type testCase struct {
	Name     string `json:"name"`
	Template string `json:"template"`
	Data     Data   `json:"data"`
}

type input struct {
	Now   int64      `json:"now"`
	Cases []testCase `json:"cases"`
}

type result struct {
	Ok         bool   `json:"ok"`
	Output     string `json:"output"`
	Error      string `json:"error"`
	ParseError bool   `json:"parseError"`
}

// Only the sprig functions stash-restore implements, so "function not defined" agrees on both sides.
var supported = []string{
	"dict", "list", "get", "hasKey", "default", "empty", "coalesce", "toJson", "toPrettyJson",
	"quote", "squote", "upper", "lower", "title", "trim", "trimPrefix", "trimSuffix", "replace",
	"contains", "hasPrefix", "hasSuffix", "join", "split", "nindent", "indent", "now", "date",
	"toString", "b64enc",
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "reading input:", err)
		os.Exit(2)
	}
	all := sprig.TxtFuncMap()
	funcs := template.FuncMap{}
	for _, name := range supported {
		funcs[name] = all[name]
	}
	now := time.Unix(0, in.Now).UTC()
	funcs["now"] = func() time.Time { return now }

	results := make([]result, 0, len(in.Cases))
	for _, c := range in.Cases {
		results = append(results, render(c, funcs))
	}
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	if err := out.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "writing output:", err)
		os.Exit(2)
	}
}

func render(c testCase, funcs template.FuncMap) (r result) {
	defer func() {
		if p := recover(); p != nil {
			r = result{Error: fmt.Sprint("panic: ", p)}
		}
	}()
	t, err := template.New(c.Name).Funcs(funcs).Parse(c.Template)
	if err != nil {
		return result{Error: err.Error(), ParseError: true}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, c.Data); err != nil {
		return result{Error: err.Error()}
	}
	return result{Ok: true, Output: buf.String()}
}
