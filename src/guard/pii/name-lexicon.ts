import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * Given and family names from `@cspell/dict-people-names` (MIT; ~39 000 names from many cultures,
 * curated so that each entry is a real name part). Loaded once, lazily, on the first name lookup:
 * about 10 ms and 3 MB, paid by the first request that carries capitalised words.
 *
 * The package exports only its cspell config; the word list sits beside it in `dict/`.
 */
let names: ReadonlySet<string> | null = null;

export function nameLexicon(): ReadonlySet<string> {
  if (names) return names;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve("@cspell/dict-people-names/cspell-ext.json"));
  const set = new Set<string>();
  for (const line of readFileSync(join(dir, "dict", "people-names.txt"), "utf8").split("\n")) {
    const w = line.trim();
    if (w && !w.startsWith("#")) set.add(w.toLowerCase());
  }
  for (const w of COMMON_WORDS) set.delete(w);
  names = set;
  return names;
}

/**
 * English words that are also in the name list and that, capitalised at a sentence start or in a
 * title, are far more often the word than the name. A cue ("my name is Will") still finds them;
 * only uncued evidence ignores them.
 */
export const COMMON_WORDS: ReadonlySet<string> = new Set(
  `a an and are as at be but by can do for from go had has have he her here him his how i if in is it its just
  me my no not of on or our she so than that the their them then there these they this to too up us was we were what
  when where which who why will with would you your may might must shall should could also all any each every few many
  more most much new old one two other some such only own same very back well even still way long little great good
  high low right left best last next first young white black brown green gray grey red blue gold silver rose lily iris
  ivy holly daisy violet olive hazel amber ruby pearl jade crystal diamond jewel honey ginger pepper sugar candy sunny
  sky star river ocean summer autumn winter spring dawn eve june april august march january february september october
  november december monday tuesday wednesday thursday friday saturday sunday mark bill art hope faith joy grace
  love chance chase hunter king queen prince princess duke earl lord page lane bell ward hall wood woods stone hill field
  banks price cash rich frank victor noble major sterling case jack penny guy ray gene don pat sue will may wise
  christian just sharp short strong sweet cook baker carter cooper fisher porter miller smith turner walker taylor
  hunt bishop pope dean judge marshal sergeant chief major general captain doctor nurse master
  apple python java swift rust ruby perl go alexa siri cortana windows linux android chrome safari firefox excel word
  kafka jenkins django docker kubernetes heroku vercel laravel hadoop cassandra ansible terraform grafana kibana
  google amazon tesla ford oracle dell jordan paris london georgia virginia carolina washington lincoln victoria sydney
  austin dallas houston denver phoenix florence charlotte madison chelsea brooklyn orlando aurora india china
  america asia africa europe australia canada england france spain italy japan israel jersey kent york berlin
  god jesus christ allah buddha moses lucifer mars venus jupiter saturn mercury luna sol
  dear hi hello hey thanks please sorry yes okay ok sir madam miss mister mr mrs ms dr prof
  about above after again against before below between both during into over under until upon while within without
  write tell give make find list explain describe create generate summarize translate draft compose suggest
  help show add use take keep let put set run say see get know think want need like look come made
  states state united kingdom republic island islands valley street road avenue north south east west saint mount lake
  city town county bay beach park point port harbor harbour village square center centre university college school
  english french german spanish italian dutch russian chinese japanese korean arabic hindi latin greek irish scottish
  welsh american british canadian african european asian indian christian jewish muslim catholic victorian
  czech slovak polish danish swedish norwegian finnish icelandic estonian latvian lithuanian hungarian romanian
  bulgarian croatian serbian slovenian bosnian albanian ukrainian belarusian turkish persian portuguese brazilian
  mexican argentinian chilean peruvian colombian cuban belgian swiss austrian australian thai vietnamese
  filipino indonesian malaysian pakistani bengali nepali egyptian moroccan nigerian kenyan ethiopian israeli
  lebanese syrian iranian iraqi afghan mongolian tibetan hebrew yiddish swahili zulu hispanic latino nordic
  los las san santa sankt são sao puerto porto fort southern northern eastern western central royal imperial
  switzerland sweden norway denmark finland poland austria belgium germany portugal greece turkey russia ukraine
  scandinavian baltic slavic celtic germanic caribbean pacific atlantic mediterranean arctic
  search prime wine sheets sun moon earth sea home house office team group company bank music film book news
  question answer note example document title summary input output user customer person people name date time
  tower bridge castle palace cathedral church temple museum gallery hotel airport station stadium arena theatre theater
  hospital library mall market river mountain ocean sea lake island falls canyon desert forest garden zoo tunnel`
    .split(/\s+/)
    .filter(Boolean),
);
