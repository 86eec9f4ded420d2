package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"time"
)

// The simulators make their statistics up, deterministically: a post's
// figures grow towards final values drawn from its platform, account and
// id, along 1 − e^(−age/τ), and an account's followers grow and shrink
// by rates drawn from the account. Asked again at the same simulated time,
// every figure is the same; asked later, totals are larger. Figures are
// whole numbers at every instant, so a day's figure is the difference of
// the totals at its two midnights and the days of a post add up to its
// total.

// Figure positions in a tally.
const (
	fReads = iota
	fLikes
	fWows
	fShares
	fComments
	nFigures
)

// tally is one value per figure.
type tally [nFigures]int64

func (t tally) minus(o tally) tally {
	for i := range t {
		t[i] -= o[i]
	}
	return t
}

// draw is a generator seeded by the parts named.
func draw(parts ...string) *rand.Rand {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	sum := h.Sum(nil)
	return rand.New(rand.NewPCG(binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:16])))
}

// curve is how one post's figures grow.
type curve struct {
	final [nFigures]float64
	tau   time.Duration
}

func postCurve(platform, account, id string) curve {
	r := draw("post", platform, account, id)
	reads := 200 * math.Exp(r.Float64()*4.5) // 200 to 18,000, most in the low thousands
	share := func(lo, hi float64) float64 { return reads * (lo + r.Float64()*(hi-lo)) }
	return curve{final: [nFigures]float64{reads, share(0.01, 0.05), share(0.002, 0.02), share(0.005, 0.03), share(0.001, 0.01)},
		tau: 6*time.Hour + time.Duration(r.Int64N(int64(54*time.Hour)))}
}

// at is the post's totals age after it was posted.
func (c curve) at(age time.Duration) tally {
	var t tally
	if age <= 0 {
		return t
	}
	f := 1 - math.Exp(-float64(age)/float64(c.tau))
	for i, v := range c.final {
		t[i] = int64(v * f)
	}
	return t
}

// day is what a post made at posted earned on the China day starting at
// start, as far as now.
func (c curve) day(posted, start, now time.Time) tally {
	end := start.Add(24 * time.Hour)
	if end.After(now) {
		end = now
	}
	if !end.After(start) {
		return tally{}
	}
	return c.at(end.Sub(posted)).minus(c.at(start.Sub(posted)))
}

// audience is how an account's followers move: base at the epoch, then
// gain and loss a day, with a slow wobble (never faster than the trend,
// so neither count ever runs backwards).
type audience struct{ base, gain, loss float64 }

// audienceEpoch is when every simulated account had its base followers.
var audienceEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, china)

func accountAudience(platform, account string) audience {
	r := draw("audience", platform, account)
	gain := 2 + r.Float64()*28
	return audience{base: 1000 + r.Float64()*19000, gain: gain, loss: 0.5 + r.Float64()*gain/3}
}

// moved is how many followers were gained and lost from the epoch to t.
func (a audience) moved(t time.Time) (gained, lost int64) {
	x := max(t.Sub(audienceEpoch).Hours()/24, 0)
	return int64(a.gain*x + 0.4*a.gain*math.Sin(x/1.7)), int64(a.loss*x + 0.4*a.loss*math.Sin(x/2.3))
}

// followers at t.
func (a audience) at(t time.Time) int64 {
	g, l := a.moved(t)
	return int64(a.base) + g - l
}

// day is the followers at the end of the China day starting at start and
// those gained and lost during it.
func (a audience) day(start time.Time) (followers, gained, lost int64) {
	end := start.Add(24 * time.Hour)
	g0, l0 := a.moved(start)
	g1, l1 := a.moved(end)
	return a.at(end), g1 - g0, l1 - l0
}

// chinaDay is the start of t's China calendar day.
func chinaDay(t time.Time) time.Time {
	c := t.In(china)
	return time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, china)
}

// parseDay reads a YYYY-MM-DD China date.
func parseDay(s string) (time.Time, bool) {
	d, err := time.ParseInLocation(time.DateOnly, s, china)
	return d, err == nil
}

// dataReady reports whether the platform has computed the day starting
// at start: Options.DataReady after the day ended.
func (s *Server) dataReady(start time.Time) bool {
	return !s.now().Before(start.AddDate(0, 0, 1).Add(s.opts.DataReady))
}

// dayOver reports whether the China day starting at start has ended.
func (s *Server) dayOver(start time.Time) bool { return !s.now().Before(start.AddDate(0, 0, 1)) }
