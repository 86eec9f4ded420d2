module github.com/tongfa/tongfa/bench

go 1.26.0

replace github.com/tongfa/tongfa => ../

require (
	github.com/BobuSumisu/aho-corasick v1.0.3
	github.com/anknown/ahocorasick v0.0.0-20190904063843-d75dbd5169c0
	github.com/petar-dambovaliev/aho-corasick v0.0.0-20250424160509-463d218d4745
	github.com/tongfa/tongfa v0.0.0
)

require github.com/anknown/darts v0.0.0-20151216065714-83ff685239e6 // indirect
