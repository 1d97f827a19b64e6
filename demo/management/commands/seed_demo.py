from django.core.management.base import BaseCommand, CommandError

from demo.world import DEFAULT_PASSWORD, demo_build, demo_exists


class Command(BaseCommand):
    help = (
        "Build the deterministic demo district (3 networks, 12 schools, about 3,000 students) "
        "with the demo accounts teacher1, teacher2, coordinator1, director1, counsellor1, "
        "network1, district1, districtadmin1, obec1, and the families' parent1 and student1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=12)
        parser.add_argument("--students", type=int, default=3000)
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of every demo account (default: {DEFAULT_PASSWORD}).",
        )
        parser.add_argument("--seed", type=int, default=2568, help="Random seed.")

    def handle(self, *args, schools, students, password, seed, **options):
        if schools < 2:
            raise CommandError(
                "--schools must be at least 2 (teacher2 works at the second school)."
            )
        if students < schools * 20:
            raise CommandError("--students must be at least 20 per school.")
        if demo_exists():
            self.stdout.write("Demo data is already there; nothing to do.")
            return
        result = demo_build(schools=schools, students=students, password=password, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo district built: {result.schools} schools, {result.students} students, "
                f"{result.teachers} homeroom seats, academic year {result.academic_year.year}."
            )
        )
        self.stdout.write(f"Demo log-ins (password: {password}):")
        for username, where in result.accounts.items():
            self.stdout.write(f"  {username:<15} {where}")
