package domain

// StageKind says whether a stage is part of the open pipeline or closes it.
type StageKind string

// Stage kinds.
const (
	StageOpen StageKind = "open"
	StageWon  StageKind = "won"
	StageLost StageKind = "lost"
)

// Stage is one step of a workspace's pipeline with the settings the monitor
// uses for deals in it. Optional settings are nil on closing stages.
type Stage struct {
	WorkspaceID        string
	Key                string
	Name               string
	Position           int
	Kind               StageKind
	IsLate             bool
	DefaultProbability int
	ProbFloor          *int
	ProbCeiling        *int
	RottingDays        *int
	StuckDays          *int
}

// DealStatus is the status a deal takes from its stage's kind.
func (s Stage) DealStatus() DealStatus { return DealStatus(s.Kind) }

func intp(v int) *int { return &v }

// DefaultStages is the pipeline every new workspace starts with.
func DefaultStages() []Stage {
	open := func(key, name string, pos int, late bool, def, floor, ceil, rot, stuck int) Stage {
		return Stage{Key: key, Name: name, Position: pos, Kind: StageOpen, IsLate: late, DefaultProbability: def,
			ProbFloor: intp(floor), ProbCeiling: intp(ceil), RottingDays: intp(rot), StuckDays: intp(stuck)}
	}
	return []Stage{
		open("lead", "Lead", 1, false, 10, 5, 40, 14, 14),
		open("qualified", "Qualified", 2, false, 25, 20, 60, 10, 21),
		open("proposal", "Proposal", 3, true, 50, 40, 85, 7, 30),
		open("negotiation", "Negotiation", 4, true, 70, 60, 95, 7, 21),
		{Key: "won", Name: "Won", Position: 5, Kind: StageWon, DefaultProbability: 100},
		{Key: "lost", Name: "Lost", Position: 6, Kind: StageLost, DefaultProbability: 0},
	}
}

// StageByKey finds a stage in a list.
func StageByKey(stages []Stage, key string) (Stage, bool) {
	for _, s := range stages {
		if s.Key == key {
			return s, true
		}
	}
	return Stage{}, false
}
