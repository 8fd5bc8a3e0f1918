from gridcenter.cli.main import run

run()
