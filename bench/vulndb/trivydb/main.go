// Command trivydb writes a Trivy vulnerability database (trivy-db schema 2: a
// BoltDB file plus metadata.json in <cache>/db/) from the Debian OSV records
// of ../shared/vulndata, so that Trivy and drydock can be run on the same
// advisories offline (Trivy's own database cannot be downloaded here).
//
//	trivydb CACHE_DIR OSV_DIR...
//
// Layout written (as aquasecurity/trivy-db's pkg/db and pkg/vulnsrc/debian
// define it; Trivy's Debian detector reads bucket "debian <major>", then the
// source package's bucket, and compares FixedVersion with the installed source
// version using dpkg order):
//
//	"debian 12" / <source package> / <CVE> = {"FixedVersion": "..."}
//	"vulnerability" / <CVE>               = {"Title", "Description", "References"}
//	"data-source" / "debian 12"           = {"ID", "Name", "URL"}
//
// Only ECOSYSTEM ranges of the form introduced 0, fixed X (every Debian record
// in vulndata) are converted; anything else is counted and reported, not
// guessed. Build: GO111MODULE=off GOPATH=/usr/share/gocode go build (Debian's
// golang-github-coreos-bbolt-dev provides go.etcd.io/bbolt).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

type record struct {
	ID        string   `json:"id"`
	Aliases   []string `json:"aliases"`
	Summary   string   `json:"summary"`
	Details   string   `json:"details"`
	Withdrawn string   `json:"withdrawn"`
	Modified  string   `json:"modified"`
	Affected  []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Type   string              `json:"type"`
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
	} `json:"affected"`
	References []struct {
		URL string `json:"url"`
	} `json:"references"`
}

type advisory struct {
	FixedVersion string `json:",omitempty"`
}

type vulnerability struct {
	Title       string   `json:",omitempty"`
	Description string   `json:",omitempty"`
	References  []string `json:",omitempty"`
}

type dataSource struct {
	ID   string
	Name string
	URL  string
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "trivydb: "+format+"\n", a...)
	os.Exit(1)
}

func put(tx *bolt.Tx, path []string, key string, value any) error {
	b, err := tx.CreateBucketIfNotExists([]byte(path[0]))
	if err != nil {
		return err
	}
	for _, p := range path[1:] {
		if b, err = b.CreateBucketIfNotExists([]byte(p)); err != nil {
			return err
		}
	}
	v, err := json.Marshal(value)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), v)
}

// fixedOf returns X for a range [{introduced: 0}, {fixed: X}].
func fixedOf(events []map[string]string) (string, bool) {
	if len(events) != 2 || events[0]["introduced"] != "0" || events[1]["fixed"] == "" {
		return "", false
	}
	return events[1]["fixed"], true
}

func main() {
	if len(os.Args) < 3 {
		fail("usage: trivydb CACHE_DIR OSV_DIR...")
	}
	dbDir := filepath.Join(os.Args[1], "db")
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		fail("%v", err)
	}
	var files []string
	for _, dir := range os.Args[2:] {
		err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && strings.HasSuffix(p, ".json") {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			fail("reading %s: %v", dir, err)
		}
	}
	sort.Strings(files)
	dbPath := filepath.Join(dbDir, "trivy.db")
	os.Remove(dbPath)
	db, err := bolt.Open(dbPath, 0o644, nil)
	if err != nil {
		fail("%s: %v", dbPath, err)
	}
	written, skipped := 0, 0
	sources := map[string]bool{}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			var r record
			if err := json.Unmarshal(b, &r); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			if r.Withdrawn != "" {
				continue
			}
			id := r.ID
			for _, a := range r.Aliases {
				if strings.HasPrefix(a, "CVE-") {
					id = a
					break
				}
			}
			for _, a := range r.Affected {
				eco, release, ok := strings.Cut(a.Package.Ecosystem, ":")
				if eco != "Debian" || !ok {
					skipped++
					continue
				}
				for _, rg := range a.Ranges {
					fixed, ok := fixedOf(rg.Events)
					if rg.Type != "ECOSYSTEM" || !ok {
						skipped++
						continue
					}
					bucket := "debian " + release
					if err := put(tx, []string{bucket, a.Package.Name}, id, advisory{FixedVersion: fixed}); err != nil {
						return err
					}
					sources[bucket] = true
					written++
				}
			}
			v := vulnerability{Title: r.Summary, Description: r.Details}
			for _, ref := range r.References {
				v.References = append(v.References, ref.URL)
			}
			if err := put(tx, []string{"vulnerability"}, id, v); err != nil {
				return err
			}
		}
		for bucket := range sources {
			ds := dataSource{ID: "debian", Name: "drydock vulndata (Debian changelogs, OSV)", URL: "../shared/vulndata"}
			if err := put(tx, []string{"data-source"}, bucket, ds); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		fail("writing %s: %v", dbPath, err)
	}
	if err := db.Close(); err != nil {
		fail("%s: %v", dbPath, err)
	}
	now := time.Now().UTC()
	meta, _ := json.Marshal(map[string]any{
		"Version":      2,
		"NextUpdate":   now.Add(24 * time.Hour * 3650),
		"UpdatedAt":    now,
		"DownloadedAt": now,
	})
	if err := os.WriteFile(filepath.Join(dbDir, "metadata.json"), meta, 0o644); err != nil {
		fail("%v", err)
	}
	fmt.Printf("trivy-db: %d advisories from %d files into %s (%d affected/ranges not converted)\n", written, len(files), dbPath, skipped)
}
