// Labels in English and Korean, and number/date formats for the chosen language. Dates are shown in the
// programme's zone (Asia/Seoul unless the stages say otherwise), whatever the browser's zone is.
const labels = {
  en: {
    title: 'NationalAiEval', skip: 'Skip to content', signOut: 'Sign out', language: '한국어',
    'signIn.title': 'Sign in', 'signIn.key': 'API key', 'signIn.submit': 'Sign in',
    'signIn.help': 'Paste your API key. It is kept in this browser tab only (session storage) and sent only to this service.',
    'signIn.bad': 'That key was not accepted.', loading: 'Loading…', failed: 'Could not load: ',
    'view.programme': 'Programme', 'view.team': 'Team', 'view.plan': 'Plan', 'view.finance': 'Finance',
    'role.manager': 'programme manager', 'role.finance': 'finance', 'role.team': 'team', 'role.provider': 'provider',
    'programme.title': 'Pools: leased, allocated and used GPU-hours per day',
    'programme.flags': 'Open flags', 'programme.flagsKrw': 'Open flags priced in won', 'programme.noFlags': 'No open flags.',
    leased: 'Leased', allocated: 'Allocated', used: 'Used', idle: 'Idle', idleUnallocated: 'Idle, unallocated',
    idleAllocatedUnused: 'Idle, allocated but unused', gpuHours: 'GPU-hours', utilisation: 'Utilisation',
    kind: 'Kind', pool: 'Pool', team: 'Team', period: 'Period', amount: 'GPU-hours', krw: '₩', detail: 'Detail',
    'team.title': 'Quota', 'team.choose': 'Team', 'team.entitlement': 'Entitlement (EGH)', 'team.used': 'Used (EGH)',
    'team.remaining': 'Remaining (EGH)', 'team.allocatedAhead': 'Allocated ahead (EGH)', 'team.stillToAllocate': 'Still to allocate (EGH)',
    'team.status': 'Forecast', 'team.exhaustion': 'Projected exhaustion', 'team.burndown': 'Burn-down against the equal-share line',
    'team.remainingLine': 'Remaining', 'team.equalLine': 'Equal share', 'team.projection': 'Projection (7-day pace)',
    'team.allocations': 'Allocations', 'team.none': 'No allocations.', 'team.window': 'Window', 'team.notFound': 'This team is not visible with your key.',
    start: 'Start', end: 'End', gpus: 'GPUs', state: 'State', 'state.past': 'ended', 'state.running': 'running', 'state.scheduled': 'scheduled',
    'status.onTrack': 'on track', 'status.atRiskOfUnused': 'at risk of leaving GPU-hours unused', 'status.willExhaustEarly': 'will exhaust early', 'status.exhausted': 'exhausted', 'status.ended': 'ended',
    'plan.title': 'Allocations per pool', 'plan.stage': 'Stage', 'plan.capacity': 'Can the equal promise be kept?',
    'plan.maxShare': 'Largest equal share (EGH)', 'plan.feasible': 'Feasible', 'plan.extra': 'Extra lease needed (₩)', yes: 'yes', no: 'no',
    'plan.whatIf': 'What if a team joined late?', 'plan.whatIfTeam': 'Team code', 'plan.whatIfDate': 'Join date',
    'plan.whatIfRun': 'Plan it', 'plan.target': 'Each team would receive (EGH)', 'plan.extraLeases': 'Extra lease lines that would close the gap',
    'plan.managersOnly': 'Only programme managers can run a what-if plan.',
    'finance.title': 'Budget waste by month, by cause', 'finance.leased': 'Leased (₩)', 'finance.used': 'Used (₩)',
    'finance.idle': 'Idle (₩)', 'finance.csv': 'Download CSV', 'finance.closed': 'Closed months', 'finance.closedAt': 'Closed',
    'finance.by': 'By', 'finance.adjustment': 'adjustment for', 'finance.noClosed': 'No month is closed yet.', month: 'Month',
  },
  ko: {
    title: 'NationalAiEval', skip: '본문으로 건너뛰기', signOut: '로그아웃', language: 'English',
    'signIn.title': '로그인', 'signIn.key': 'API 키', 'signIn.submit': '로그인',
    'signIn.help': 'API 키를 붙여 넣으세요. 키는 이 브라우저 탭(세션 저장소)에만 보관되며 이 서비스에만 전송됩니다.',
    'signIn.bad': '이 키는 승인되지 않았습니다.', loading: '불러오는 중…', failed: '불러오지 못했습니다: ',
    'view.programme': '프로그램', 'view.team': '팀', 'view.plan': '계획', 'view.finance': '재무',
    'role.manager': '프로그램 관리자', 'role.finance': '재무', 'role.team': '팀', 'role.provider': '공급자',
    'programme.title': '풀별 일간 임차·할당·사용 GPU시간',
    'programme.flags': '미해결 플래그', 'programme.flagsKrw': '미해결 플래그 금액', 'programme.noFlags': '미해결 플래그가 없습니다.',
    leased: '임차', allocated: '할당', used: '사용', idle: '유휴', idleUnallocated: '유휴 (미할당)',
    idleAllocatedUnused: '유휴 (할당 후 미사용)', gpuHours: 'GPU시간', utilisation: '가동률',
    kind: '종류', pool: '풀', team: '팀', period: '기간', amount: 'GPU시간', krw: '원', detail: '내용',
    'team.title': '할당량', 'team.choose': '팀', 'team.entitlement': '약정량 (B200 환산)', 'team.used': '사용량 (B200 환산)',
    'team.remaining': '잔여량 (B200 환산)', 'team.allocatedAhead': '향후 할당 (B200 환산)', 'team.stillToAllocate': '미배정 (B200 환산)',
    'team.status': '전망', 'team.exhaustion': '소진 예상일', 'team.burndown': '균등 배분선 대비 소진 추이',
    'team.remainingLine': '잔여량', 'team.equalLine': '균등 배분', 'team.projection': '전망 (최근 7일 속도)',
    'team.allocations': '할당 내역', 'team.none': '할당이 없습니다.', 'team.window': '기간', 'team.notFound': '이 키로는 볼 수 없는 팀입니다.',
    start: '시작', end: '종료', gpus: 'GPU 수', state: '상태', 'state.past': '종료됨', 'state.running': '진행 중', 'state.scheduled': '예정',
    'status.onTrack': '정상', 'status.atRiskOfUnused': '미사용 위험', 'status.willExhaustEarly': '조기 소진 예상', 'status.exhausted': '소진됨', 'status.ended': '종료됨',
    'plan.title': '풀별 할당 일정', 'plan.stage': '단계', 'plan.capacity': '균등 약속을 지킬 수 있는가?',
    'plan.maxShare': '최대 균등 배분량 (B200 환산)', 'plan.feasible': '가능 여부', 'plan.extra': '추가 임차 필요액 (원)', yes: '예', no: '아니오',
    'plan.whatIf': '팀이 늦게 합류한다면?', 'plan.whatIfTeam': '팀 코드', 'plan.whatIfDate': '합류일',
    'plan.whatIfRun': '계획 실행', 'plan.target': '팀당 배분량 (B200 환산)', 'plan.extraLeases': '부족분을 메울 추가 임차',
    'plan.managersOnly': '가정 계획은 프로그램 관리자만 실행할 수 있습니다.',
    'finance.title': '월별·원인별 예산 낭비', 'finance.leased': '임차 (원)', 'finance.used': '사용 (원)',
    'finance.idle': '유휴 (원)', 'finance.csv': 'CSV 내려받기', 'finance.closed': '마감된 월', 'finance.closedAt': '마감',
    'finance.by': '마감자', 'finance.adjustment': '조정 대상', 'finance.noClosed': '아직 마감된 월이 없습니다.', month: '월',
  },
};

let language = sessionStorage.getItem('nae.language') === 'ko' ? 'ko' : 'en';
let zone = 'Asia/Seoul';

export const t = key => labels[language][key] ?? labels.en[key] ?? key;
export const currentLanguage = () => language;
export function setLanguage(next) { language = next; sessionStorage.setItem('nae.language', next); }
export function setZone(next) { if (next) zone = next; }
const locale = () => (language === 'ko' ? 'ko-KR' : 'en-GB');

export const hours = value => new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(value);
export const integer = value => new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(value);
export const krw = value => new Intl.NumberFormat(locale(), { style: 'currency', currency: 'KRW', maximumFractionDigits: 0 }).format(value);
/** Short won for chart axes: ₩15B in English, ₩150억 in Korean. */
export const krwShort = value => new Intl.NumberFormat(locale(), { style: 'currency', currency: 'KRW', notation: 'compact', maximumFractionDigits: 1 }).format(value);
export const hoursShort = value => new Intl.NumberFormat(locale(), { notation: 'compact', maximumFractionDigits: 1 }).format(value);
export const percent = value => (value === null || value === undefined ? '–' : `${new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(value)}%`);
export const date = instant => new Intl.DateTimeFormat(locale(), { timeZone: zone, year: 'numeric', month: 'short', day: 'numeric' }).format(new Date(instant));
export const monthShort = text => new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', year: '2-digit', month: 'short' }).format(new Date(`${text}-01T00:00:00Z`));
export const month = text => new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', year: 'numeric', month: 'short' }).format(new Date(`${text}-01T00:00:00Z`));

/** Applies the labels to every element that names one (data-i18n) and to the page's language. */
export function translatePage() {
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  // The button names the other language in that language (한국어 / English), and says so to screen readers.
  const button = document.getElementById('language');
  button.textContent = t('language');
  button.lang = language === 'en' ? 'ko' : 'en';
}
