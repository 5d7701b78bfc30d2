-- The benchmark's data (SPEC 5), built set-based by the bench generator step by step.
-- Each step starts with a "-- step:" line; the generator runs them in order and reports
-- each one. Sizes come from settings the generator sets first: bench.clients,
-- bench.sequestered, bench.staff, bench.user_roles and bench.prefix (the run's role
-- prefix). Everything is deterministic: the same sizes give the same people.

-- step: staff and user roles
do $$
declare
  prefix text := current_setting('bench.prefix');
  staff_count integer := current_setting('bench.staff')::integer;
  role_count integer := current_setting('bench.user_roles')::integer;
begin
  for i in 1..role_count loop
    execute format('create role %I nologin', prefix || 'team_' || lpad(i::text, 2, '0'));
  end loop;
  for i in 1..staff_count loop
    execute format('create role %I login in role ehr_user, %I',
      prefix || 'staff_' || lpad(i::text, 4, '0'),
      prefix || 'team_' || lpad((1 + (i - 1) % role_count)::text, 2, '0'));
  end loop;
  execute format('create role %I login bypassrls in role ehr_user', prefix || 'bypass');
end
$$;

-- step: clients
-- Common names, most common first; a skewed pick (random() squared) makes the first ones
-- frequent, as in a real register. A third of the surnames are built from syllables, so
-- that there are also thousands of rare ones.
select setseed(0.42);
insert into ehr.clients (id, first_name, last_name, birth_date, sex, city, state, zip, phone)
select g,
  n.first[1 + floor(array_length(n.first, 1) * random() ^ 2)::integer],
  case when random() < 0.67
    then n.last[1 + floor(array_length(n.last, 1) * random() ^ 2)::integer]
    else n.head[1 + floor(array_length(n.head, 1) * random())::integer]
      || n.tail[1 + floor(array_length(n.tail, 1) * random())::integer]
  end,
  date '1930-01-01' + floor(random() * 33000)::integer,
  case when random() < 0.5 then 'F' else 'M' end,
  'Springfield', 'OR', lpad(floor(random() * 99999)::text, 5, '0'),
  '555-' || lpad(floor(random() * 10000)::text, 4, '0')
from generate_series(1, current_setting('bench.clients')::integer) g
cross join (select
  '{James,Mary,Robert,Patricia,John,Jennifer,Michael,Linda,David,Elizabeth,William,Barbara,
    Richard,Susan,Joseph,Jessica,Thomas,Sarah,Christopher,Karen,Charles,Lisa,Daniel,Nancy,
    Matthew,Betty,Anthony,Sandra,Mark,Margaret,Donald,Ashley,Steven,Kimberly,Andrew,Emily,
    Paul,Donna,Joshua,Michelle,Kenneth,Carol,Kevin,Amanda,Brian,Melissa,George,Deborah,
    Timothy,Stephanie,Ronald,Dorothy,Jason,Rebecca,Edward,Sharon,Jeffrey,Laura,Ryan,Cynthia,
    Jacob,Amy,Gary,Kathleen,Nicholas,Angela,Eric,Shirley,Jonathan,Brenda,Stephen,Emma,Larry,
    Anna,Justin,Pamela,Scott,Nicole,Brandon,Samantha,Benjamin,Katherine,Samuel,Christine,
    Gregory,Helen,Alexander,Debra,Patrick,Rachel,Frank,Carolyn,Raymond,Janet,Jack,Maria,
    Dennis,Catherine,Jerry,Heather,Tyler,Diane,Aaron,Olivia,Jose,Julie,Adam,Joyce,Nathan,
    Victoria,Henry,Ruth,Zachary,Virginia,Douglas,Lauren,Peter,Kelly,Kyle,Christina,Noah,Joan,
    Ethan,Evelyn,Jeremy,Judith,Walter,Andrea,Christian,Hannah,Keith,Megan,Roger,Cheryl,Terry,
    Jacqueline,Austin,Martha,Sean,Madison,Gerald,Teresa,Carl,Gloria,Harold,Sara,Dylan,Janice,
    Arthur,Ann,Lawrence,Kathryn,Jordan,Abigail,Jesse,Sophia,Bryan,Frances,Billy,Jean,Bruce,
    Alice,Gabriel,Judy,Joe,Isabella,Logan,Julia,Alan,Grace,Juan,Amber,Albert,Denise,Willie,
    Danielle,Elijah,Marilyn,Wayne,Beverly,Randy,Charlotte,Vincent,Natalie,Mason,Theresa,Roy,
    Diana,Ralph,Brittany,Bobby,Doris,Russell,Kayla,Bradley,Alexis,Philip,Lori,Eugene,Marie,
    Zoë,José,Chloé,Björn,Noor,Kenji,Amara,Siobhán,Renée,Mateo,Aisha,Nguyen,Priya,Ximena}'::text[]
    as first,
  '{Smith,Johnson,Williams,Brown,Jones,Garcia,Miller,Davis,Rodriguez,Martinez,Hernandez,
    Lopez,Gonzalez,Wilson,Anderson,Thomas,Taylor,Moore,Jackson,Martin,Lee,Perez,Thompson,
    White,Harris,Sanchez,Clark,Ramirez,Lewis,Robinson,Walker,Young,Allen,King,Wright,Scott,
    Torres,Nguyen,Hill,Flores,Green,Adams,Nelson,Baker,Hall,Rivera,Campbell,Mitchell,Carter,
    Roberts,Gomez,Phillips,Evans,Turner,Diaz,Parker,Cruz,Edwards,Collins,Reyes,Stewart,Morris,
    Morales,Murphy,Cook,Rogers,Gutierrez,Ortiz,Morgan,Cooper,Peterson,Bailey,Reed,Kelly,
    Howard,Ramos,Kim,Cox,Ward,Richardson,Watson,Brooks,Chavez,Wood,James,Bennett,Gray,Mendoza,
    Ruiz,Hughes,Price,Alvarez,Castillo,Sanders,Patel,Myers,Long,Ross,Foster,Jimenez,Powell,
    Jenkins,Perry,Russell,Sullivan,Bell,Coleman,Butler,Henderson,Barnes,Gonzales,Fisher,
    Vasquez,Simmons,Romero,Jordan,Patterson,Alexander,Hamilton,Graham,Reynolds,Griffin,
    Wallace,Moreno,West,Cole,Hayes,Bryant,Herrera,Gibson,Ellis,Tran,Medina,Aguilar,Stevens,
    Murray,Ford,Castro,Marshall,Owens,Harrison,Fernandez,McDonald,Woods,Washington,Kennedy,
    Wells,Vargas,Henry,Chen,Freeman,Webb,Tucker,Guzman,Burns,Crawford,Olson,Simpson,Porter,
    Hunter,Gordon,Mendez,Silva,Shaw,Snyder,Mason,Dixon,Muñoz,Hunt,Hicks,Holmes,Palmer,Wagner,
    Black,Robertson,Boyd,Rose,Stone,Salazar,Fox,Warren,Mills,Meyer,Rice,Schmidt,Garza,Daniels,
    Ferguson,Nichols,Stephens,Soto,Weaver,Ryan,Gardner,Payne,Grant,Dunn,Kelley,Spencer,
    Hawkins,Arnold,Pierce,Vazquez,Hansen,Peters,Santos,Hart,Bradley,Knight,Elliott,Cunningham,
    Duncan,Armstrong,Hudson,Carroll,Lane,Riley,Andrews,Alvarado,Ray,Delgado,Berry,Perkins,
    Hoffman,Johnston,Matthews,Peña,Richards,Willis,Carpenter,Lawrence,Sandoval,Müller,
    O''Brien,Okafor,Lindqvist,Dubois,Tanaka,Kowalski,Nakamura,Novak,Haddad}'::text[] as last,
  '{Ash,Bar,Black,Brad,Brook,Cal,Car,Chester,Clay,Dal,Dun,El,Fair,Far,Fen,Gar,Glen,Hal,Har,
    Hart,Hol,Kel,Kin,Lang,Lin,Mar,Mel,Mor,New,Nor,Pen,Ral,Red,Ros,Sel,Stan,Stone,Tal,Wal,
    War,Wes,Whit,Win,Wood,Yar}'::text[] as head,
  '{bury,by,croft,dale,den,don,field,ford,gate,ham,hill,holm,hurst,land,ley,lock,low,man,
    mere,more,ner,ridge,row,sby,shaw,stead,sted,stock,ston,thorpe,ton,vale,well,wick,win,
    with,wood,worth}'::text[] as tail
) n;
select setval(pg_get_serial_sequence('ehr.clients', 'id'),
  current_setting('bench.clients')::bigint);

-- step: chart rows (5 per client: 2 encounters, 2 progress notes, 1 condition)
-- Chart rows name clients 1..N by construction, so the foreign-key triggers, which only
-- repeat that, are skipped for the load (session_replication_role); the constraints stay
-- and hold for every later write.
set session_replication_role = replica;
insert into ehr.encounters (client_id, encounter_class, code, description, started_at)
select c, 'ambulatory', '185347001', 'Encounter for problem',
  timestamptz '2020-01-01' + (c % 1500) * interval '1 day' + k * interval '30 days'
from generate_series(1, current_setting('bench.clients')::integer) c,
  generate_series(1, 2) k;
insert into ehr.progress_notes (client_id, author, written_at, note)
select c, 'bench',
  timestamptz '2020-01-01' + (c % 1500) * interval '1 day' + k * interval '30 days',
  'Client attended session ' || k || '; mood stable, plan unchanged.'
from generate_series(1, current_setting('bench.clients')::integer) c,
  generate_series(1, 2) k;
insert into ehr.conditions (client_id, code, description, onset_date)
select c, '35489007', 'Depressive disorder (disorder)', date '2019-01-01' + (c % 1500)
from generate_series(1, current_setting('bench.clients')::integer) c;
set session_replication_role = origin;

-- step: sequestered clients, each with three staff members and one user role
-- One record per slice of the ID range, at a random place within it; every record is in
-- force today. They go through the package's own triggers (validation and audit).
select setseed(0.7);
insert into sequester.client_access (client_id, start_date, comments)
select (s - 1) * (n / k) + 1 + floor(random() * (n / k))::bigint,
  sequester.today() - floor(random() * 1000)::integer, 'bench'
from generate_series(1, current_setting('bench.sequestered')::bigint) s,
  (select current_setting('bench.clients')::bigint as n,
    current_setting('bench.sequestered')::bigint as k) sizes;

create temporary table bench_role (kind text, n integer, oid oid, primary key (kind, n));
insert into bench_role
select case when r.rolcanlogin then 'staff' else 'team' end,
  substring(r.rolname from '_(\d+)$')::integer, r.oid
from pg_roles r
where starts_with(r.rolname, current_setting('bench.prefix'))
  and r.rolname ~ '_(staff|team)_\d+$';

insert into sequester.client_access_staff (client_access_id, staff)
select a.id, r.oid::regrole
from sequester.client_access a
cross join generate_series(1, 3) k
join bench_role r on r.kind = 'staff'
  and r.n = 1 + (a.id * 7919 + k * 104729) % current_setting('bench.staff')::integer;

-- The user-role approvals skip their triggers (session_replication_role): the validation
-- counts every role that holds the approved one and sends a notice, once per row, which
-- at 10,000 rows is minutes of work whose answer here is known (50 plain team roles),
-- and the audit trail is not what the bench measures.
set session_replication_role = replica;
insert into sequester.client_access_role (client_access_id, user_role)
select a.id, r.oid::regrole
from sequester.client_access a
join bench_role r on r.kind = 'team'
  and r.n = 1 + (a.id * 31) % current_setting('bench.user_roles')::integer;
set session_replication_role = origin;
