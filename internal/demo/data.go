package demo

import "github.com/vectoros/vectoros/internal/domain"

var companies = []string{
	"Acme Logistics", "Bluefin Analytics", "Cobalt Health", "Driftwood Retail", "Evergreen Foods", "Fjord Shipping",
	"Granite Insurance", "Harbor Bank", "Ironclad Security", "Juniper Labs", "Keystone Energy", "Lumen Media",
	"Maple Education", "Nimbus Cloud", "Orchid Pharma", "Pioneer Freight", "Quartz Manufacturing", "Redwood Realty",
	"Summit Telecom", "Tidewater Utilities", "Umbra Games", "Vantage Legal", "Willow Hospitality", "Xenon Robotics",
	"Yarrow Biotech", "Zephyr Airlines", "Atlas Mining", "Beacon Credit Union", "Cascade Water", "Delta Components",
	"Ember Coffee", "Falcon Aerospace", "Glacier Storage", "Helix Genomics", "Indigo Apparel", "Jasper Hotels",
	"Kestrel Drones", "Lighthouse Charity", "Meridian Travel", "Northstar Ventures", "Oakridge Schools", "Pinnacle Sports",
}

var products = []string{"Platform licence", "Annual renewal", "Seat expansion", "Pilot", "Enterprise plan",
	"Data add-on", "Analytics module", "Multi-year agreement", "Onboarding package"}

var contacts = []string{"Maria Lopez", "James Chen", "Aisha Bello", "Tom Fischer", "Elena Petrova", "Raj Patel",
	"Sophie Martin", "Kwame Mensah", "Laura Rossi", "Ben Carter", "Yuki Sato", "Nora Lindqvist", "Omar Haddad"}

var sources = []string{"inbound", "outbound", "referral", "partner", "event", "website"}

var subjects = map[domain.ActivityType][]string{
	domain.ActivityEmail:   {"Sent proposal follow-up", "Shared pricing options", "Answered security questionnaire", "Sent case study"},
	domain.ActivityCall:    {"Discovery call", "Pricing discussion", "Check-in with champion", "Call with procurement"},
	domain.ActivityMeeting: {"Product demo", "Technical deep dive", "Executive alignment meeting", "Contract review"},
	domain.ActivityNote:    {"Budget approved for Q1", "Competitor also evaluated", "Champion moving teams", "Legal review pending"},
}

var nextSteps = []string{"Follow-up call", "Send revised proposal", "Demo for the finance team", "Contract walkthrough",
	"Check in on legal review", "Schedule onsite visit"}
