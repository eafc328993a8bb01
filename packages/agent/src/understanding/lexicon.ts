import type { SqlType } from '@airflow-mcp/pipeline';

/**
 * Korean nouns for common tables and columns, as English stems: "주문" reaches a table orders or a column order_id
 * through its stem "order". Resolution against the real schema decides; this list only bridges the languages.
 */
export const KOREAN_NOUNS: Readonly<Record<string, readonly string[]>> = {
  주문: ['orders', 'order'],
  주문서: ['orders'],
  고객: ['customers', 'customer', 'clients'],
  손님: ['customers'],
  회원: ['members', 'users', 'customers'],
  사용자: ['users', 'user'],
  유저: ['users', 'user'],
  상품: ['products', 'product', 'items'],
  제품: ['products', 'product'],
  결제: ['payments', 'payment'],
  결제내역: ['payments'],
  이벤트: ['events', 'event'],
  세션: ['sessions', 'session'],
  페이지뷰: ['page_views'],
  주문상품: ['order_items'],
  '주문 항목': ['order_items'],
  '주문 상품': ['order_items'],
  주문항목: ['order_items'],
  가격: ['price'],
  단가: ['unit_price', 'price'],
  금액: ['amount', 'total', 'total_amount'],
  총액: ['total', 'total_amount', 'amount'],
  이름: ['name', 'full_name'],
  성명: ['name', 'full_name'],
  이메일: ['email'],
  메일: ['email'],
  국가: ['country'],
  나라: ['country'],
  도시: ['city'],
  상태: ['status'],
  수량: ['quantity', 'qty'],
  개수: ['quantity', 'count'],
  재고: ['stock'],
  분류: ['category'],
  카테고리: ['category'],
  할인: ['discount'],
  할인율: ['discount'],
  결제수단: ['method', 'payment_method'],
  수단: ['method'],
  방법: ['method'],
  생성일: ['created_at'],
  생성일시: ['created_at'],
  생성시간: ['created_at'],
  가입일: ['created_at', 'signup_date', 'joined_at'],
  등록일: ['created_at'],
  결제일: ['paid_at'],
  결제시간: ['paid_at'],
  수정일: ['updated_at'],
  날짜: ['date', 'created_at'],
  시간: ['ts', 'time'],
  시각: ['ts', 'occurred_at'],
  발생시각: ['occurred_at', 'ts'],
  기기: ['device'],
  브라우저: ['browser'],
  브랜드: ['brand'],
  역할: ['role'],
  권한: ['role'],
  채널: ['channel'],
  통화: ['currency'],
  수수료: ['fee'],
  경로: ['path'],
  제목: ['title'],
  디바이스: ['device'],
  유형: ['type', 'event_type'],
  종류: ['type', 'event_type'],
  이벤트유형: ['event_type'],
  이벤트타입: ['event_type'],
  체류시간: ['duration_ms', 'duration'],
  지속시간: ['duration_ms', 'duration'],
  활성: ['is_active', 'active'],
  활성화: ['is_active'],
  아이디: ['id'],
  번호: ['id'],
  고객번호: ['customer_id'],
  고객아이디: ['customer_id'],
  주문번호: ['order_id'],
  사용자아이디: ['user_id'],
  유저아이디: ['user_id'],
  상품번호: ['product_id'],
  페이지: ['page', 'url', 'path'],
  주소: ['address', 'url'],
  전화번호: ['phone'],
  나이: ['age'],
  점수: ['score'],
};

/** Type words in English and Korean, for casts. */
export const TYPE_WORDS: Readonly<Record<string, SqlType>> = {
  int: 'integer',
  integer: 'integer',
  integers: 'integer',
  bigint: 'bigint',
  long: 'bigint',
  float: 'double',
  double: 'double',
  real: 'double',
  number: 'double',
  numeric: 'decimal',
  decimal: 'decimal',
  string: 'text',
  strings: 'text',
  text: 'text',
  varchar: 'text',
  bool: 'boolean',
  boolean: 'boolean',
  date: 'date',
  dates: 'date',
  timestamp: 'timestamp',
  datetime: 'timestamp',
  정수: 'integer',
  숫자: 'double',
  실수: 'double',
  소수: 'decimal',
  문자열: 'text',
  문자: 'text',
  텍스트: 'text',
  날짜: 'date',
  타임스탬프: 'timestamp',
  일시: 'timestamp',
  불리언: 'boolean',
};

export const TYPE_WORD_PATTERN = Object.keys(TYPE_WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|');

/** Numbers written as words. */
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  once: 1,
  two: 2,
  twice: 2,
  three: 3,
  thrice: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  한: 1,
  두: 2,
  세: 3,
  네: 4,
  다섯: 5,
  여섯: 6,
  일곱: 7,
  여덟: 8,
  아홉: 9,
  열: 10,
  hundred: 100,
  thousand: 1000,
  백: 100,
  천: 1000,
};

export const NUMBER = String.raw`(?:\d[\d,]*(?:\.\d+)?|zero|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|a\s+hundred|a\s+thousand|hundred|thousand)`;

export function numberOf(text: string): number {
  const word = NUMBER_WORDS[text.toLowerCase().replace(/^an?\s+/, '')];
  return word ?? Number(text.replace(/,/g, ''));
}

/** English words that carry no pipeline meaning of their own: left over, they are not worth a question. */
export const ENGLISH_FILLER = new Set(
  `a an the of to into in on at for and also then please pls plz kindly could can would will you i i'd i'm we we'd
  us our my me it its it's them they their this that these those there here now just simply go ahead let let's lets
  want wanted need needs like would love hi hello hey thanks thank thx ok okay so do does did be is are was were been
  being have has had get got copy copies copied move moved moves moving migrate migrated migration transfer
  transferring load loading loaded sync refresh refreshed refreshing replicate replicated bring put send export import ship dump take pull push
  data dataset rows row records record entries entry everything all whole entire full complete table tables
  database databases db file files warehouse pipeline dag dags job jobs task create make build set setup up run runs
  running across from with over but add adding existing should land lands mind really much lot if when each you your me using use via help me new one too as well both stuff info information contents
  content there out quick quickly small simple basic straight directly exactly as-is`
    .split(/\s+/)
    .filter(Boolean),
);

/** Korean endings, particles and verbs left after the readers: polite forms, "copy", "move", "please". */
const KOREAN_FILLER_WORDS = new Set(
  `데이터 자료 전체 전부 모두 모든 다 그대로 테이블 테이블들 파일 데이터베이스 디비 db 내용 것 거 걸 건 좀 그리고 또 또한
  그다음 다음 그런 다음 이후 다음에 그 이 저 우리 제 저희 하나 새 새로 새로운 한번 한 번 꼭 반드시 잘 빨리 혹시 그냥
  옮겨 옮겨줘 옮겨주세요 옮겨줄래 옮겨주실래요 옮겨요 옮기기 옮기고 옮기기를 옮겨서 옮기세요 옮겨주시겠어요 옮겨라 옮길 옮겨두고 옮기려고
  복사 복사해 복사해줘 복사해주세요 복사하고 복사해서 복사해요 복사하기 복사해줄래 복제 복제해 복제해줘 복제해주세요 복제하고 통째로
  이관 이관해 이관해줘 이관해주세요 이관하고 이관해서 이관하기 마이그레이션 마이그레이션해줘 이동 이동해줘 이동시켜줘
  적재 적재해 적재해줘 적재해주세요 적재하고 적재해서 로드 로드해줘 넣어 넣어줘 넣어주세요 넣고 넣어서 저장 저장해줘 저장해주세요
  저장하고 보내 보내줘 내보내줘 가져와 가져와줘 가져와서 가져오고 동기화 동기화해줘 부어 부어줘
  만들어 만들어줘 만들어주세요 만들고 만들어서 생성 생성해줘 해 해줘 해주세요 해줄래 해주시겠어요 해요 하고 하기 하세요
  해서 하는 할 하자 합니다 주세요 줘 줄래 주실래요 부탁 부탁해 부탁해요 부탁드려요 부탁드립니다 부탁합니다 감사 감사합니다
  고마워 싶어요 싶어 싶습니다 원해요 원합니다 필요해요 필요합니다 있어요 있습니다 있는 수 돌려 돌려줘 실행 실행해줘 실행해주세요
  돌려주세요 돌리고 중에 중에서 넣어줘 넣어 기존 가져오는데 가져와서 옮기는데 복사하는데 이관하는데 적재하는데 옮기되 하되 옮기면서 복사하면서 선택 선택해 선택해서 선택하고 골라 골라서 골라줘 뽑아 뽑아서 뽑아줘 가져가 가져가서 파이프라인 작업 잡 dag 대그 요 네 예 안녕하세요 좀요 쪽 쪽으로 곳 곳으로 거기서는 거기서 거기에는 거기엔`
    .split(/\s+/)
    .filter(Boolean),
);

/** Particles and endings stripped from a Korean word before it is looked up. */
const KOREAN_SUFFIXES = [
  '으로부터',
  '에서부터',
  '으로',
  '에서',
  '에게',
  '까지',
  '부터',
  '이랑',
  '하고',
  '처럼',
  '만',
  '을',
  '를',
  '이',
  '가',
  '은',
  '는',
  '의',
  '에',
  '로',
  '와',
  '과',
  '도',
  '랑',
  '요',
];

export function stripKoreanSuffixes(word: string): string {
  let w = word;
  for (let changed = true; changed && w.length > 1;) {
    changed = false;
    for (const s of KOREAN_SUFFIXES) {
      if (w.length > s.length && w.endsWith(s)) {
        w = w.slice(0, -s.length);
        changed = true;
        break;
      }
    }
  }
  return w;
}

/** True when a word left over is filler: a polite ending, a verb of moving, a particle. */
export function isFiller(word: string): boolean {
  const w = word.toLowerCase().replace(/^['"`]+|['"`]+$/g, '');
  if (!w) return true;
  if (/^[^\p{L}\p{N}]+$/u.test(w)) return true;
  if (ENGLISH_FILLER.has(w)) return true;
  if (!/[\uac00-\ud7af]/.test(w)) return false;
  if (KOREAN_FILLER_WORDS.has(w)) return true;
  const stem = stripKoreanSuffixes(w);
  return stem.length === 0 || KOREAN_FILLER_WORDS.has(stem) || KOREAN_PARTICLES.has(w);
}

const KOREAN_PARTICLES = new Set(KOREAN_SUFFIXES.concat(['에서', '으로', '로', '만', '은', '는']));
